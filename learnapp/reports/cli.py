"""`flask --app learnapp report hours --year 2026 [--branch PATH] --format csv|xlsx -o FILE`.

What it prints is in Chinese; `--lang en` prints English (`learnapp.cli_language`). The file
itself is the 台账, in Chinese like the one the dashboard exports.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import clock
from learnapp.audit.exports import record_export
from learnapp.cli_language import in_language
from learnapp.db import db
from learnapp.org.models import Branch
from learnapp.org.queries import branches_where, full_names
from learnapp.reports import exports, rollup
from learnapp.reports.scope import everyone
from learnapp.security import SYSTEM

report_cli = click.Group("report", help="Reports and exports (read-only).")


def find_branch(spec: str) -> Branch | None:
    """A branch by materialised path ('/1/4/'), id, or name path below the committee ('第一党总支/办公室党支部')."""
    spec = spec.strip()
    if spec.startswith("/"):
        path = spec if spec.endswith("/") else spec + "/"
        return db.session.scalar(select(Branch).where(Branch.path == path))
    if spec.isdigit():
        return db.session.get(Branch, int(spec))
    wanted = spec.strip("/")
    matches = [bid for bid, name in full_names().items() if name == wanted]
    if not matches:
        matches = [b.id for b in db.session.scalars(select(Branch).where(Branch.name == wanted))]
    return db.session.get(Branch, matches[0]) if len(matches) == 1 else None


@report_cli.command("hours")
@click.option("--year", type=int, required=True, help="Training year.")
@click.option("--branch", "branch_spec", default=None, help="Branch path, id or name path (default: everyone).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@with_appcontext
@in_language
def hours(year: int, branch_spec: str | None, fmt: str, output: str) -> None:
    """Write the completion ledger (台账) of a year."""
    branch = None
    if branch_spec:
        branch = find_branch(branch_spec)
        if branch is None:
            raise click.ClickException(_("No single branch matches %(spec)s", spec=branch_spec))
    scope = everyone(branch)
    today = clock.today()
    rows = exports.Counted(exports.person_rows(scope, year, today))
    if fmt == "csv":
        with open(output, "w", encoding="utf-8", newline="") as fh:
            for chunk in exports.csv_lines(rows):
                fh.write(chunk)
    else:
        f = rollup.Filters(year=year, today=today)
        condition = Branch.path.startswith(branch.path, autoescape=True) if branch else Branch.id.isnot(None)
        nodes = rollup.build_tree(branches_where(condition), rollup.branch_sums(scope, f))
        label = branch.name if branch else "全部"
        with open(output, "wb") as fh:
            exports.write_xlsx(fh, nodes, rows, title=f"{year} 年度学时台账 · {label}")
    # Written by the system actor: whoever runs the command has the server itself.
    record_export(SYSTEM, "ledger", ("branches", branch.id if branch else None), branch=branch,
                  summary=f"{year} {branch_spec or ''} → {output}".strip(), year=year,
                  branch_id=branch.id if branch else None, format=fmt, rows=rows.count, via="cli")
    click.echo(_("Wrote %(file)s (%(n)d people)", file=output, n=rows.count))
