"""`flask development …`: the rules (load, show) and the check of every person's file."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from learnapp import clock
from learnapp.db import db
from learnapp.development import check as compliance
from learnapp.development import stored
from learnapp.development.history import migrate_stage_changes
from learnapp.development.rules import current_rules, default_path, save_rules
from learnapp.development.rules_file import PARAMETERS, parse_rules
from learnapp.errors import DomainError
from learnapp.rules_yaml import RulesError
from learnapp.security import SYSTEM

development_cli = click.Group("development", help="The Party-member development procedure (发展党员).")
rules_cli = click.Group("rules", help="The procedure's rules (content/development-rules.yaml).")
development_cli.add_command(rules_cli)


@rules_cli.command("load")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", default=None, help="Why the rules change (kept with the version).")
@with_appcontext
def load(file: Path | None, note: str | None) -> None:
    """Load the rules file (default: content/development-rules.yaml) as a new version. All or nothing."""
    path = file or default_path()
    text = path.read_text(encoding="utf-8")
    try:
        parse_rules(text, source=path.name)
    except RulesError as exc:
        for problem in exc.problems:
            click.echo(f"{path}:{problem.line}: {problem.key or '-'}: {problem.message}", err=True)
        click.echo("Nothing was loaded.", err=True)
        sys.exit(1)
    try:
        saved = save_rules(SYSTEM, text, source_name=path.name, note=note)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        click.echo(f"Nothing was loaded: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{path.name}: " + (f"loaded as version {saved.version}" if saved else "unchanged"))


@rules_cli.command("show")
@with_appcontext
def show() -> None:
    """Print the rules in force: the numbers, then each step with who records it and what it requires."""
    rules = current_rules()
    click.echo("version " + (str(rules.version) if rules.version else f"none loaded (the shipped {default_path().name})"))
    for name, value in rules.parameters.items():
        _default, low, high = PARAMETERS[name]
        click.echo(f"  {name:<30} {value:>4}   ({low}–{high})")
    for rule in rules.steps:
        who = rule.recorded_by + (f" → {rule.decided_by}" if rule.decided_by else "")
        click.echo(f"[{rule.stage}] {rule.code:<30} {rule.label_zh}  ({who})  {rule.citation}")
        for req in rule.requires:
            args = ", ".join(f"{k}={v}" for k, v in req.args.items())
            click.echo(f"      {req.kind}: {args}")


@development_cli.command("check")
@click.option("--lang", default="zh_CN", show_default=True, help="Language of the report (zh_CN or en).")
@click.option("--rebuild", is_flag=True, help="Instead, rewrite the stored findings the reports read (after an "
              "upgrade, or to repair them) and print how many people's stored findings differed; exit 0.")
@with_appcontext
def check(lang: str, rebuild: bool) -> None:
    """Print every person whose development file breaks a rule, and every committee exception
    (every file checked now, not the stored findings); exit 1 if there is any."""
    if rebuild:
        built = stored.current()
        differed = stored.differences(clock.today()) if built else None
        people = stored.rebuild()
        db.session.commit()
        click.echo(f"Stored findings rebuilt for {people} people with a development file; "
                   + (f"{len(differed)} people's differed." if built else "there were none for the rules in force."))
        return
    with force_locale(lang):
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
def migrate_history() -> None:
    """Turn stage_changes rows written by old code paths (or bulk loads) into the steps they imply; idempotent."""
    created = migrate_stage_changes()
    db.session.commit()
    click.echo(f"{created} steps created.")
