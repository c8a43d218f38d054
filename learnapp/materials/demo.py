"""Demo content: syncs content/ again (branch-named reading lists need the demo branches, which
exist only now) and gives some demo people reading history, through the same crediting code.

Idempotent: the sync is keyed by slug, and reading history is added only where a person has none.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from learnapp import clock
from learnapp.accounts.models import Stage
from learnapp.db import db
from learnapp.materials import list_queries, reading
from learnapp.materials.content import default_root, sync
from learnapp.materials.models import ReadingProgress


def _simulate_reading(user, material, seconds: int, days_ago: int) -> None:
    """Book `seconds` of reading some days ago, as heartbeats would have (never in the future)."""
    end = clock.now() - timedelta(days=days_ago)
    if end.year != clock.now().year:
        return
    reading.book_time(user, material, end, seconds)


def load_demo(ctx) -> None:
    root = default_root()
    if (root / "materials").is_dir():
        sync(root)
    year = clock.today().year
    readers = [p for login, p in sorted(ctx.people.items())
               if login.startswith("u") and p.stage in (Stage.activist, Stage.development_target, Stage.probationary_member)]
    for index, person in enumerate(readers):
        if db.session.scalar(select(ReadingProgress.id).where(ReadingProgress.user_id == person.id).limit(1)):
            continue  # already has history: leave it alone
        items = [item for status in list_queries.my_lists(person, year) for item in status.required]
        # Roughly a third read a lot, a third a little, a third not yet: aggregates, not a ranking.
        share = (0, 2, 5)[index % 3]
        for position, item in enumerate(items[:share]):
            seconds = item.material.estimated_minutes * 60 + 30 if position < share - 1 else item.material.estimated_minutes * 30
            _simulate_reading(person, item.material, seconds, days_ago=10 + position * 3)
    db.session.flush()
