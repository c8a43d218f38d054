"""Simulated reading for the demo, through the real crediting code.

A sitting opens a material at a moment in the past (`reading.start_session`), sends the page's
heartbeats through `reading.heartbeat` (the entry point the JSON endpoint calls, with a caller
known to be signed in) while it moves an injected clock (`clock.running_on`), and closes the
session. So every reading session, every second of progress and every ledger line of the demo
comes from the code a reader's browser drives: the idle rule, the daily online cap, one open
session per person, the steps of 0.25 学时 and the dedupe keys. Nothing is written directly.

Beats are sent at the longest interval that still credits all of its time (heartbeat +
tolerance, `Timing.most_per_beat`): the fewest beats for the same credit.

A video or audio (`credit.is_watched`) is played from the start at normal speed on a visible page:
each beat carries the player's report (`arithmetic.WatchReport`), so the watching rules decide its
credit as they do for a browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from learnapp import clock, request_memo
from learnapp.accounts.caller import Caller
from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.materials import reading
from learnapp.materials.credit import is_watched
from learnapp.materials.models import Material
from learnapp.materials.reading import watching
from learnapp.materials.reading.arithmetic import WatchReport


@dataclass(frozen=True)
class Sitting:
    """One sitting of a person with a material: when it began (UTC) and how long they stayed
    active on it (seconds)."""

    material: Material
    start: datetime
    seconds: int


@dataclass
class Outcome:
    """What a sitting did: the session, the beats sent, the credit granted and whether the
    material is completed (or the day's cap stopped it)."""

    session_id: int
    beats: int = 0
    granted: int = 0
    completed: bool = False
    capped: bool = False


def seconds_to_complete(material: Material) -> int:
    """Active seconds that earn a material's full credit, with one beat to spare."""
    return watching.need_seconds(material) + reading.timing().most_per_beat


def read(user: User, sitting: Sitting) -> Outcome:
    """Read (or watch, for a video or audio) `sitting.material` from `sitting.start` for
    `sitting.seconds`, beat by beat, as the reading page would; stops early when the material is
    completed or the day's cap is reached."""
    timing = reading.timing()
    step = timing.most_per_beat
    frozen = clock.FrozenClock(sitting.start)
    watched = is_watched(sitting.material)
    # The memo as in a request (the year's rules read once, not on every beat).
    with clock.running_on(frozen), request_memo.scope():
        session = reading.start_session(user, sitting.material, position_ms=0 if watched else None)
        outcome = Outcome(session.id)
        caller = Caller.person(user)
        elapsed = 0
        while elapsed + step <= max(sitting.seconds, step):
            frozen.advance(seconds=step)
            elapsed += step
            outcome.beats += 1
            report = (WatchReport(position=min(elapsed, sitting.material.media_seconds), playing=True, visible=True)
                      if watched else None)
            result = reading.heartbeat(caller, session.id, outcome.beats, sent_at=frozen.now(), watch=report)
            outcome.granted += result.granted_now
            if result.progress is not None and result.progress.completed_at is not None:
                outcome.completed = True
                break
            if result.capped:
                outcome.capped = True
                break
        reading.close_session(user, session.id)
    return outcome


def sit(user: User, sitting: Sitting) -> Outcome:
    """One sitting (read, or watched for a video or audio)."""
    return read(user, sitting)


def sit_on(user: User, material_id: int, start: datetime, seconds: int | None = None) -> Outcome:
    """A sitting with the material of this id (any material: a chapter of a book is one too),
    from `start`, long enough to complete it unless `seconds` says otherwise."""
    material = db.session.get(Material, material_id)
    if material is None:
        raise LookupError(f"no material {material_id}")
    return sit(user, Sitting(material, start, seconds_to_complete(material) if seconds is None else seconds))
