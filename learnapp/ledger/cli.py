"""`flask rules …` (load, check, show credit rules) and `flask ledger …` (totals, verify-totals, year close, reopen).

Output is in Chinese; `--lang en` prints English (`learnapp.cli_language`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import versioned_rules
from learnapp.accounts.models import Role, Stage, User
from learnapp.cli_language import in_language
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.ledger import queries, services, years
from learnapp.ledger.rules import parse_rules, rules_for_year
from learnapp.rules_yaml import RulesError
from learnapp.security import SYSTEM
from learnapp.versioned_rules import expected_year
from learnapp.web import format_credit

rules_cli = click.Group("rules", help="Credit rules per training year (YAML files in content/credit-rules/).")
ledger_cli = click.Group("ledger", help="The study-hour ledger: totals and their check, year close and reopen.")


def rules_dir() -> Path:
    return versioned_rules.content_path("CREDIT_RULES_DIR", "credit-rules")


@rules_cli.command("load")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@in_language
def load(files: tuple[Path, ...]) -> None:
    """Load rules files (default: every *.yaml of content/credit-rules/). All or nothing."""
    versioned_rules.load_files(
        versioned_rules.files_to_load(files, rules_dir(), _("No rules files in %(folder)s", folder=rules_dir())),
        lambda path, text: parse_rules(text, expected_year=expected_year(path)),
        lambda path, text: services.save_rules(SYSTEM, text, source_name=str(path.name), expected_year=expected_year(path)),
        lambda saved: _("%(year)d version %(version)d", year=saved.year, version=saved.version))


@rules_cli.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@in_language
def check(files: tuple[Path, ...]) -> None:
    """Check rules files without loading them."""
    failed = False
    for path in files:
        try:
            rules = parse_rules(path.read_text(encoding="utf-8"), expected_year=expected_year(path))
            click.echo(_("%(file)s: OK (%(year)d)", file=path, year=rules.year))
        except RulesError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(f"{path}:{problem.line}: {problem.key or '-'}: {problem.message}", err=True)
    sys.exit(1 if failed else 0)


@rules_cli.command("show")
@click.argument("year", type=int)
@with_appcontext
@in_language
def show(year: int) -> None:
    """Print the rules in force for a year."""
    rules = rules_for_year(year)
    click.echo(_("%(year)d: version %(version)d", year=year, version=rules.version) if rules.version
               else _("%(year)d: built-in defaults", year=year))
    labels = {**{s.value: s.label for s in Stage}, **{r.value: r.label for r in Role}}
    requirement = [f"{format_credit(rules.requirement_default)} {_('study hours')}"]
    requirement += [f"{labels.get(k, k)} {format_credit(v)}"
                    for k, v in [*rules.requirement_by_stage.items(), *rules.requirement_by_role.items()]]
    click.echo(f"  {_('Requirement')}: " + "; ".join(requirement))
    for category, conversion in rules.conversions.items():
        cap = rules.category_caps.get(category)
        line = f"  {category.label}: {_conversion(conversion)}"
        click.echo(line + (" · " + _("at most %(n)s a year", n=format_credit(cap)) if cap is not None else ""))
    cap = rules.daily_online_cap
    click.echo(f"  {_('Online per day')}: " + (_("at most %(n)s", n=format_credit(cap)) if cap is not None else _("no cap")))
    click.echo(f"  {_('Carry-over')}: " + (_("excess up to %(n)s into the next year", n=format_credit(rules.carry_over_max))
                                        if rules.carry_over_max else _("no carry-over")))


def _conversion(conversion) -> str:
    """A category's conversion in words (the words of the rules page)."""
    n = format_credit(conversion.credit)
    if conversion.kind == "per_item":
        return "; ".join(f"≥ {b.min_minutes} {_('min')} → {format_credit(b.credit)}" for b in conversion.bands)
    return {"fixed": _("%(n)s each time", n=n), "per_hour": _("%(n)s per hour", n=n),
            "per_half_day": _("%(n)s per half day", n=n)}.get(conversion.kind) or _("%(n)s per day", n=n)


@ledger_cli.command("totals")
@click.argument("year", type=int)
@with_appcontext
@in_language
def totals(year: int) -> None:
    """Print every person's total, online and offline credit for a year (tab-separated)."""
    sub = queries.totals_by_user(year).subquery()
    rows = db.session.execute(select(User.login_id, User.name, sub.c.total, sub.c.online, sub.c.offline)
                              .join(sub, sub.c.user_id == User.id).order_by(User.login_id)).all()
    click.echo("\t".join([_("Login ID"), _("Name"), _("Total"), _("Online"), _("Offline")]))
    for login_id, name, total, online, offline in rows:
        click.echo(f"{login_id}\t{name}\t{total / 100:g}\t{online / 100:g}\t{offline / 100:g}")


@ledger_cli.command("verify-totals")
@click.option("--year", type=int, default=None, help="Check one training year (default: all).")
@click.option("--repair", is_flag=True, help="Rebuild the stored totals from the entries (audited).")
@with_appcontext
@in_language
def verify_totals(year: int | None, repair: bool) -> None:
    """Compare the stored per-person totals with the sums of the entries; exit 1 on any difference."""
    wrong = queries.totals_differences(year)
    for row in wrong:
        click.echo(_("%(login)s %(year)d: stored %(stored)s (%(stored_n)d lines), entries sum to %(summed)s "
                     "(%(summed_n)d lines); online %(stored_on)s / %(summed_on)s, offline %(stored_off)s / "
                     "%(summed_off)s",
                     login=row.login_id, year=row.year, stored=_hours(row.stored_total), summed=_hours(row.summed_total),
                     stored_n=row.stored_entries, summed_n=row.summed_entries, stored_on=_hours(row.stored_online),
                     summed_on=_hours(row.summed_online), stored_off=_hours(row.stored_offline),
                     summed_off=_hours(row.summed_offline)), err=True)
    if repair:
        fixed = services.rebuild_year_totals(SYSTEM, year)
        db.session.commit()
        click.echo(_("Stored totals rebuilt from the entries; %(n)d row(s) were wrong.", n=fixed))
        return
    if wrong:
        click.echo(_("%(n)d stored total(s) differ from the entries; run with --repair to rebuild them.",
                     n=len(wrong)), err=True)
        sys.exit(1)
    click.echo(_("Stored totals agree with the entries."))


def _hours(hundredths: int) -> str:
    return f"{hundredths / 100:.2f}"


@ledger_cli.command("close")
@click.argument("year", type=int)
@with_appcontext
@in_language
def close(year: int) -> None:
    """Close a training year and carry over by its rules."""
    try:
        lines = years.close_year(SYSTEM, year)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(_("%(year)d closed; carried over for %(n)d people.", year=year, n=len([x for x in lines if x.carry])))


@ledger_cli.command("reopen")
@click.argument("year", type=int)
@click.option("--reason", required=True, help="Why the year is reopened (kept in the audit log).")
@with_appcontext
@in_language
def reopen(year: int, reason: str) -> None:
    """Reopen a closed year for corrections."""
    try:
        years.reopen_year(SYSTEM, year, reason)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(_("%(year)d reopened.", year=year))
