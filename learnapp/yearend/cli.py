"""`flask report year-end --year 2026 [--branch ID] --format xlsx|docx -o FILE` and
`flask scoring load [FILES]` / `flask scoring show YEAR` (the branches' scoring schemes).

The year-end command joins the reports' group (report_cli) in yearend.init_app, so that the reports
domain does not depend on this one. Output (and the year-end document) is in Chinese; `--lang en`
for English (`learnapp.cli_language`).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import clock, versioned_rules
from learnapp.actors import SYSTEM
from learnapp.audit.exports import record_export
from learnapp.cli_language import in_language
from learnapp.db import db
from learnapp.org.models import Branch
from learnapp.reports.cli import find_branch
from learnapp.versioned_rules import expected_year
from learnapp.yearend import documents, scoring
from learnapp.yearend.figures import year_end
from learnapp.yearend.scheme import parse_scheme

scoring_cli = click.Group("scoring", help="The branches' scoring schemes per year (YAML files in content/scoring/).")


@click.command("year-end")
@click.option("--year", type=int, required=True, help="The year.")
@click.option("--branch", "branch_spec", default=None, help="Branch id, path or name path (default: the committee).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "docx"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@with_appcontext
@in_language
def year_end_command(year: int, branch_spec: str | None, fmt: str, output: str) -> None:
    """Write the year-end figures (年度工作总结数据) of the committee or a branch."""
    if branch_spec:
        branch = find_branch(branch_spec)
        if branch is None:
            raise click.ClickException(_("No single branch matches %(spec)s", spec=branch_spec))
    else:
        branch = db.session.scalar(select(Branch).where(Branch.parent_id.is_(None)).order_by(Branch.id).limit(1))
        if branch is None:
            raise click.ClickException(_("There is no committee yet."))
    figures = year_end(branch, year, clock.today())
    data = documents.xlsx_bytes(figures) if fmt == "xlsx" else documents.docx_bytes(figures)
    Path(output).write_bytes(data)
    # Written by the system actor: whoever runs the command has the server itself.
    record_export(SYSTEM, "year_end", ("branches", branch.id), branch=branch, summary=f"{year} {branch.name} → {output}",
                  year=year, branch_id=branch.id, format=fmt, via="cli")
    click.echo(_("Wrote %(file)s", file=output))


def scoring_dir() -> Path:
    return versioned_rules.content_path("SCORING_DIR", "scoring")


@scoring_cli.command("load")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@in_language
def load(files: tuple[Path, ...]) -> None:
    """Load scheme files (default: every *.yaml of content/scoring/) as new versions. All or nothing."""
    versioned_rules.load_files(
        versioned_rules.files_to_load(files, scoring_dir(), _("No scheme files in %(folder)s", folder=scoring_dir())),
        lambda path, text: parse_scheme(text, expected_year=expected_year(path)),
        lambda path, text: scoring.save_scheme(SYSTEM, text, source_name=path.name, expected_year=expected_year(path)),
        lambda saved: _("%(year)d version %(version)d", year=saved.year, version=saved.version))


@scoring_cli.command("show")
@click.argument("year", type=int)
@with_appcontext
@in_language
def show(year: int) -> None:
    """Print the scheme in force for a year: each item with its measure, weight and thresholds."""
    scheme = scoring.scheme_for_year(year)
    if scheme is None:
        click.echo(_("No scheme loaded for %(year)d.", year=year))
        return
    click.echo(_("%(year)d: version %(version)d", year=year, version=scheme.version))
    for item in scheme.items:
        click.echo(f"  {item.code:<16} {item.weight:>3}  {item.measure:<20} full_at {item.full_at}  zero_at {item.zero_at}"
                   f"  ({item.when_missing})  {item.label}")
