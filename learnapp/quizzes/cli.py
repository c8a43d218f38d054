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


@quizzes_cli.command("remind-due")
@click.option("--days", type=int, default=None, help="Quizzes closing within this many days (default 3).")
@with_appcontext
def remind_due(days: int | None) -> None:
    """In-app notices (and e-mail) to people who have not taken a quiz that closes soon (cron-able, daily)."""
    from learnapp.db import db
    from learnapp.quizzes.due_notices import DUE_DAYS
    from learnapp.quizzes.due_notices import remind_due as run

    written = run(days or DUE_DAYS)
    db.session.commit()
    click.echo(f"{written} notice(s)")
