"""`flask --app learnapp quizzes close-overdue`: submit attempts whose time ran out (cron-able)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

quizzes_cli = click.Group("quizzes", help="Knowledge tests.")


@quizzes_cli.command("close-overdue")
@click.option("--limit", type=int, default=None, help="At most this many attempts in one run.")
@with_appcontext
def close_overdue(limit: int | None) -> None:
    """Submit every open attempt past its deadline with the answers saved before it."""
    from learnapp.db import db
    from learnapp.quizzes.attempts import close_overdue as run

    done = run(limit)
    db.session.commit()
    click.echo(f"{done} overdue attempt(s) submitted")
