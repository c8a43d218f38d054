"""`flask --app learnapp content sync [--path DIR]`: load materials and reading lists from files."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from learnapp.db import db
from learnapp.materials.content import ContentError, sync
from learnapp.materials.content_check import check

content_cli = click.Group("content", help="Study materials and reading lists kept as files (content/).")


@content_cli.command("sync")
@click.option("--path", "path", type=click.Path(file_okay=False), default=None,
              help="Folder holding materials/*.md and reading-lists/*.yaml (default: content/).")
@with_appcontext
def sync_command(path: str | None) -> None:
    """Create or update materials and reading lists by slug; all or nothing."""
    try:
        report = sync(path)
    except ContentError as exc:
        db.session.rollback()
        click.echo(f"Content sync refused, nothing was loaded ({len(exc.problems)} problem(s)):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(
        f"Materials: {len(report.created)} created, {len(report.updated)} updated, {len(report.unchanged)} unchanged. "
        f"Reading lists: {len(report.lists_created)} created, {len(report.lists_updated)} updated, "
        f"{len(report.lists_unchanged)} unchanged."
        + (f" Chapters archived (their file was removed): {', '.join(report.archived)}." if report.archived else "")
    )
    for warning in report.warnings:
        click.echo(f"  warning: {warning}")


@content_cli.command("check")
@click.option("--path", "path", type=click.Path(file_okay=False), default=None,
              help="Folder holding materials/, reading-lists/, question-banks/ and credit-rules/ (default: content/).")
@with_appcontext
def check_command(path: str | None) -> None:
    """Check the content files: sources cited, knowledge points taught, answers balanced, no
    duplicate questions; state the online 学时 each year's reading lists are worth. Exit 1 on any problem."""
    report = check(path)
    click.echo(f"{report.materials} materials, {report.questions} questions.")
    for year, (count, hundredths) in report.reading_credit.items():
        chapters, books = report.reading_books.get(year, (0, 0))
        of_books = f", {chapters} of them chapters of {books} book(s)" if chapters else ""
        minimum = report.reading_minimum.get(year)
        required = f" (minimum {minimum / 100:.2f})" if minimum is not None else ""
        click.echo(f"{year}: online 学时 a learner earns who reads everything on the {year} lists: "
                   f"{hundredths / 100:.2f}{required} ({count} timed materials{of_books}).")
    for finding in report.findings:
        click.echo(f"  {finding}", err=True)
    if report.findings:
        click.echo(f"{len(report.findings)} problem(s).", err=True)
        sys.exit(1)
    click.echo("No problems found.")


@content_cli.command("remind-due")
@click.option("--days", type=int, default=None, help="Required readings due within this many days (default 3).")
@with_appcontext
def remind_due_command(days: int | None) -> None:
    """In-app notices (and e-mail) to people who have not finished a required reading due soon (cron-able, daily)."""
    from learnapp.materials.due_notices import DUE_DAYS, remind_due

    written = remind_due(days or DUE_DAYS)
    db.session.commit()
    click.echo(f"{written} notice(s)")
