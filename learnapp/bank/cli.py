"""`flask --app learnapp questions …`: import and export question files from the command line.

Commands commit at the end; errors print with their line numbers and exit with status 1, having
written nothing. Output is in Chinese; `--lang en` prints English.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from learnapp.bank import formats, importing, queries, services
from learnapp.bank.models import QuestionCategory, QuestionKind
from learnapp.cli_language import in_language
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.security import SYSTEM

questions_cli = click.Group("questions", help="Question bank: import and export question files.")


def _actor(login_id: str | None):
    if not login_id:
        return SYSTEM
    from learnapp.accounts.models import User

    user = db.session.scalar(select(User).where(User.login_id == login_id))
    if user is None:
        raise click.UsageError(_("No user with login ID %(login)s", login=login_id))
    return user


def find_path(path: str) -> QuestionCategory | None:
    """The committee-bank category at "a/b/c", or None."""
    current = None
    for name in [p.strip() for p in path.split("/") if p.strip()]:
        stmt = select(QuestionCategory).where(QuestionCategory.name == name)
        if current is None:
            stmt = stmt.where(QuestionCategory.parent_id.is_(None), QuestionCategory.branch_id.is_(None))
        else:
            stmt = stmt.where(QuestionCategory.parent_id == current.id)
        current = db.session.scalar(stmt)
        if current is None:
            return None
    return current


@questions_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(formats.FORMATS), help="File format (default: detected).")
@click.option("--category", "category_path", default="", help="Import below this category path, e.g. 党章/总纲 (created if missing).")
@click.option("--duplicates", type=click.Choice([importing.DUPLICATES_SKIP, importing.DUPLICATES_IMPORT]),
              default=importing.DUPLICATES_SKIP, show_default=True, help="What to do with questions already in the bank.")
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option("--as", "login_id", default=None, help="Login ID of the admin to record as the actor (default: system).")
@with_appcontext
@in_language
def import_command(file: Path, fmt: str | None, category_path: str, duplicates: str, dry_run: bool, login_id: str | None) -> None:
    """Import FILE (GIFT, Aiken, Moodle XML, XLSX or CSV): all questions or none."""
    data = file.read_bytes()
    fmt = fmt or formats.detect(file.name, data)
    if fmt is None:
        click.echo(_("Cannot tell the file's format; give --format."), err=True)
        sys.exit(1)
    if not formats.content_matches(fmt, data):
        click.echo(_("The file's content is not %(format)s.", format=fmt), err=True)
        sys.exit(1)
    actor = _actor(login_id)
    result = formats.parse(data, fmt)
    try:
        base = services.ensure_path(actor, category_path.split("/")) if category_path.strip("/ ") else None
        if dry_run:
            plan = importing.plan(result, base)
            if not plan.ok:
                raise importing.ImportFailed(plan.errors)
            _print_plan(plan)
            db.session.rollback()
            return
        report = importing.run(actor, result, base, duplicates=duplicates, filename=file.name, fmt=fmt)
    except importing.ImportFailed as exc:
        db.session.rollback()
        click.echo(_("%(file)s: nothing imported, %(n)d error(s):", file=file.name, n=len(exc.errors)), err=True)
        for line, message in exc.errors:
            click.echo("  " + _("line %(line)s: %(message)s", line=line, message=message), err=True)
        sys.exit(1)
    except DomainError as exc:
        db.session.rollback()
        click.echo(_("%(file)s: nothing imported: %(error)s", file=file.name, error=exc), err=True)
        sys.exit(1)
    db.session.commit()
    counts = report.counts()
    click.echo(_("%(file)s (%(format)s): imported %(n)d question(s)", file=file.name, format=fmt,
                 n=sum(counts.values())))
    for kind in QuestionKind:
        click.echo(f"  {kind.label}: {counts[kind]}")
    for skipped in report.skipped:
        click.echo("  " + _("skipped line %(line)s: %(kind)s: %(reason)s", line=skipped.line, kind=skipped.kind_name,
                            reason=skipped.reason))
    for item in report.duplicates_skipped:
        where = (_("question #%(id)s", id=item.duplicate_of_question) if item.duplicate_of_question
                 else _("line %(line)s", line=item.duplicate_of_line))
        click.echo("  " + _("skipped line %(line)s: duplicate of %(where)s", line=item.question.line, where=where))
    for item in report.duplicates_imported:
        click.echo("  " + _("imported line %(line)s although it duplicates another question", line=item.question.line))
    for line, warning in report.warnings:
        click.echo("  " + _("warning line %(line)s: %(warning)s", line=line, warning=warning))


def _print_plan(plan: importing.ImportPlan) -> None:
    counts = plan.counts()
    click.echo(_("would import %(n)d question(s), %(d)d duplicate(s)", n=len(plan.items) - len(plan.duplicates),
                 d=len(plan.duplicates)))
    for kind in QuestionKind:
        click.echo(f"  {kind.label}: {counts.get(kind, 0)}")
    for skipped in plan.skipped:
        click.echo("  " + _("skipped line %(line)s: %(kind)s: %(reason)s", line=skipped.line, kind=skipped.kind_name,
                            reason=skipped.reason))


@questions_cli.command("export")
@click.argument("category_path")
@click.option("--format", "fmt", type=click.Choice(formats.EXPORT_FORMATS), default="gift", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Output file (default: standard output).")
@click.option("--include-retired", is_flag=True, help="Export retired questions too.")
@with_appcontext
@in_language
def export_command(category_path: str, fmt: str, output: Path | None, include_retired: bool) -> None:
    """Export the committee-bank category CATEGORY_PATH (and its subtree)."""
    category = find_path(category_path)
    if category is None:
        click.echo(_("No category %(path)s", path=category_path), err=True)
        sys.exit(1)
    data = formats.write(queries.export_questions(category, include_retired=include_retired), fmt)
    if output:
        output.write_bytes(data)
        click.echo(_("wrote %(file)s", file=output))
    else:
        sys.stdout.buffer.write(data)


@questions_cli.command("tree")
@with_appcontext
@in_language
def tree_command() -> None:
    """Print the whole category tree with question counts (active questions in each subtree)."""
    for node in queries.category_tree(SYSTEM, everything=True):
        owner = f" [{node.category.branch.name}]" if node.category.branch_id else ""
        click.echo(f"{'  ' * node.depth}{node.category.name}{owner} ({node.total})")
