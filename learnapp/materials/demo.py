"""Demo content: syncs content/ again (branch-named reading lists need the demo branches, which
exist only now) and gives the demo people a reading history, by reading: sittings spread over
the year to date (and, for the keenest, some of last year) run through the real heartbeat
(`demo_reading`), so the sessions, progress and ledger lines all come from the crediting code.

Each person reads in the order a learner would: their required items (nearest due date first),
then the optional ones of their lists, then other materials, until the online credit their
profile aims at (about a third beyond the year's online minimum, a third on pace, a third behind;
the walkthrough learners of each branch keep some required items to do). Sittings are one a day,
in the evening, one material at a time.

Idempotent: a person who has any reading session is left alone.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from learnapp import clock
from learnapp.db import db
from learnapp.ledger.rules import rules_for_year
from learnapp.materials import list_queries
from learnapp.materials.content import default_root, sync
from learnapp.materials.credit import material_credit
from learnapp.materials.demo_reading import Sitting, seconds_to_complete, sit
from learnapp.materials.models import Material, MaterialStatus, ReadingSession


def _published() -> list[Material]:
    return [m for m in db.session.scalars(select(Material).where(Material.status == MaterialStatus.published)
                                          .order_by(Material.slug)) if m.kind.is_timed]


def reading_order(person, year: int, published: list[Material], rng: random.Random, *,
                  leave_required: int = 0) -> list[Material]:
    """The person's materials in the order they would read them: required items by due date,
    optional items of their lists, then the rest of the library (shuffled per person), without
    the last `leave_required` required items (left for the walkthrough to read) and, for the
    walkthrough's people (`leave_required` > 0), without video and audio (left for it to watch)."""
    statuses = [item for status in list_queries.my_lists(person, year) for item in status.items]
    required = sorted((i for i in statuses if i.item.required), key=lambda i: (i.item.due_on or date.max, i.material.slug))
    left = {i.material for i in required[len(required) - leave_required:]} if leave_required else set()
    if leave_required:
        left |= {m for m in published if m.kind.is_media}
    optional = [i for i in statuses if not i.item.required]
    order = list(dict.fromkeys(i.material for i in [*required, *optional] if i.material.kind.is_timed))
    published = [m for m in published if m not in left]
    order = [m for m in order if m not in left]
    rest = [m for m in published if m not in order]
    rng.shuffle(rest)
    return order + rest


def _evening(day: date, rng: random.Random) -> datetime:
    local = datetime.combine(day, time(19, 0), tzinfo=clock.local_tz()) + timedelta(minutes=rng.randrange(0, 150))
    return local.astimezone(UTC)


def plan(materials: list[Material], year: int, first: date, last: date, target: int, rng: random.Random,
         *, unfinished: bool = False) -> list[Sitting]:
    """Sittings over the days from `first` to `last` (one a day, in date order) reading `materials`
    in order until their credit reaches `target` hundredths; `unfinished`: the last one is read
    half-way."""
    chosen, credit = [], 0
    for material in materials:
        if credit >= target:
            break
        worth = material_credit(year, material.estimated_minutes, material.kind)
        if worth:
            chosen.append(material)
            credit += worth
    span = (last - first).days + 1
    if span <= 0 or not chosen:
        return []
    days = sorted(rng.sample(range(span), min(span, len(chosen))))
    sittings = []
    for n, (material, offset) in enumerate(zip(chosen, days, strict=False)):
        seconds = seconds_to_complete(material)
        if unfinished and n == len(days) - 1:
            seconds //= 2
        sittings.append(Sitting(material, _evening(first + timedelta(days=offset), rng), seconds))
    return sittings


def _target(rules, profile: int, elapsed_share: float, rng: random.Random) -> int:
    """Online reading credit (hundredths) a profile aims at in the year to date."""
    minimum = rules.min_online or 1000
    if profile == 0:
        return minimum + 200
    pace = int(minimum * elapsed_share)
    return pace if profile == 1 else max(100, pace // 4 + rng.randrange(0, 100))


def load_demo(ctx) -> None:
    root = default_root()
    if (root / "materials").is_dir():
        sync(root)
    today = clock.today()
    year = today.year
    published = _published()
    if not published:
        return
    rules, last_rules = rules_for_year(year), rules_for_year(year - 1)
    yesterday = today - timedelta(days=1)
    elapsed_share = ((today - date(year, 1, 1)).days + 1) / 366
    rng = random.Random(2026)
    walkthrough = {login for role, login, _branch in ctx.logins if role == "learner"}
    for person in ctx.trainees():
        if db.session.scalar(select(ReadingSession.id).where(ReadingSession.user_id == person.id).limit(1)):
            continue  # already has history: leave it alone
        profile = ctx.profiles[person.login_id]
        sittings = []
        if profile == 0:  # last year: a little reading; the rest of the credit came from activities
            order = list(published)
            rng.shuffle(order)
            sittings += plan(order, year - 1, date(year - 1, 1, 5), date(year - 1, 12, 20),
                             (last_rules.min_online or 1000) // 3, rng)
        leave = 2 if person.login_id in walkthrough else 0
        sittings += plan(reading_order(person, year, published, rng, leave_required=leave), year, date(year, 1, 2), yesterday,
                         _target(rules, profile, elapsed_share, rng), rng, unfinished=profile != 0)
        for sitting in sittings:
            sit(person, sitting)
    db.session.flush()
