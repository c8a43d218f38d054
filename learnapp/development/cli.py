"""`flask development …`: the rules (load, show) and the check of every person's file.

Output is in Chinese; `--lang en` prints English (`learnapp.cli_language`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from learnapp import clock, versioned_rules
from learnapp.accounts.models import Role
from learnapp.cli_language import in_language
from learnapp.db import db
from learnapp.development import check as compliance
from learnapp.development import stored
from learnapp.development.history import migrate_stage_changes
from learnapp.development.rules import current_rules, default_path, save_rules
from learnapp.development.rules_file import PARAMETER_LABELS, PARAMETERS, parse_rules
from learnapp.security import SYSTEM

development_cli = click.Group("development", help="The Party-member development procedure (发展党员).")
rules_cli = click.Group("rules", help="The procedure's rules (content/development-rules.yaml).")
development_cli.add_command(rules_cli)


@rules_cli.command("load")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", default=None, help="Why the rules change (kept with the version).")
@with_appcontext
@in_language
def load(file: Path | None, note: str | None) -> None:
    """Load the rules file (default: content/development-rules.yaml) as a new version. All or nothing."""
    path = file or default_path()
    versioned_rules.load_files([path], lambda path, text: parse_rules(text, source=path.name),
                               lambda path, text: save_rules(SYSTEM, text, source_name=path.name, note=note),
                               lambda saved: _("version %(version)d", version=saved.version))


@rules_cli.command("show")
@with_appcontext
@in_language
def show() -> None:
    """Print the rules in force: the numbers, then each step with who records it and what it requires."""
    rules = current_rules()
    click.echo(_("In force") + " · " + (_("version %(v)d", v=rules.version) if rules.version
                                       else _("the shipped file (no version loaded)") + f" · {default_path().name}"))
    for name, value in rules.parameters.items():
        _default, low, high = PARAMETERS[name]
        click.echo(f"  {PARAMETER_LABELS[name]}: {value}   ({low}–{high})")
    click.echo(_("Steps"))
    recorders = {"person": _("The person"), "contact": _("Training contact"), **{r.value: r.label for r in Role}}
    for rule in rules.steps:
        who = recorders.get(rule.recorded_by, rule.recorded_by)
        who += f" → {recorders.get(rule.decided_by, rule.decided_by)}" if rule.decided_by else ""
        click.echo(f"[{rule.stage}] {rule.code:<30} {rule.label}  ({who})  {rule.citation}")
        for req in rule.requires:
            args = ", ".join(f"{k}={v}" for k, v in req.args.items())
            click.echo(f"      {req.kind}: {args}")


@development_cli.command("check")
@click.option("--rebuild", is_flag=True, help="Instead, rewrite the stored findings the reports read (after an "
              "upgrade, or to repair them) and print how many people's stored findings differed; exit 0.")
@with_appcontext
@in_language
def check(rebuild: bool) -> None:
    """Print every person whose development file breaks a rule, and every committee exception
    (every file checked now, not the stored findings); exit 1 if there is any."""
    if rebuild:
        built = stored.current()
        differed = stored.differences(clock.today()) if built else None
        people = stored.rebuild()
        db.session.commit()
        click.echo(_("Stored findings rebuilt for %(people)d people with a development file.", people=people) + " "
                   + (_("%(n)d people's findings differed.", n=len(differed)) if built
                      else _("There were none for the rules in force.")))
        return
    findings = compliance.check_all(clock.today())
    for finding in findings:
        click.echo(f"{finding.person.name} ({finding.person.login_id}, {finding.person.branch.name}): {finding.message}")
    if findings:
        click.echo(_("%(n)d findings.", n=len(findings)))
    else:
        click.echo(_("Every development file meets the rules."))
    sys.exit(1 if findings else 0)


@development_cli.command("migrate-history")
@with_appcontext
@in_language
def migrate_history() -> None:
    """Turn stage_changes rows written by old code paths (or bulk loads) into the steps they imply; idempotent."""
    created = migrate_stage_changes()
    db.session.commit()
    click.echo(_("%(n)d steps created.", n=created))
