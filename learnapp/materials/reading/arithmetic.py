"""The crediting rules as plain functions: values in, a decision out. No Flask, no database, no
clock: the caller passes the moments, the settings, the local time zone and what it read.

`judge_beat` decides whether a heartbeat counts and how many seconds it credits,
`split_by_day` books those seconds on the local days they happened, and `credit_day` turns a
day's seconds into the next progress state and the ledger grant they complete (the rules are in
the package's docstring, learnapp/materials/reading/__init__.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import NamedTuple

STEP_HUNDREDTHS = 25
# How far ahead of the server clock a heartbeat's own timestamp may be (network and clock jitter).
FUTURE_SKEW_SECONDS = 5

# Refusals, by the code the page's script gets.
SUPERSEDED = "superseded"
CLOSED = "closed"
FUTURE_TIMESTAMP = "future_timestamp"
REPLAYED = "replayed"
TOO_SOON = "too_soon"


@dataclass(frozen=True, slots=True)
class Timing:
    """The heartbeat's settings, in seconds."""

    heartbeat: int = 30
    tolerance: int = 5
    idle: int = 90  # a gap longer than this earns nothing (default: three heartbeats)

    @property
    def min_gap(self) -> float:
        """Heartbeats closer together than this are refused without changing anything (a flood
        earns nothing anyway, because only elapsed time counts, but it should not cost a write)."""
        return self.heartbeat / 3

    @property
    def most_per_beat(self) -> int:
        return self.heartbeat + self.tolerance


def session_refusal(closed: bool, close_reason: str | None) -> str | None:
    """Why a beat of this session is refused because of the session's state, or None (open)."""
    if not closed:
        return None
    return SUPERSEDED if close_reason == "superseded" else CLOSED


class Verdict(NamedTuple):
    """A heartbeat's fate: refused (`refusal` is the code), or accepted crediting `seconds`
    (0 after an idle gap: counting restarts from this beat)."""

    refusal: str | None
    seconds: int = 0


def judge_beat(*, last_beat_at: datetime, last_seq: int, seq: int, sent_at: datetime | None, now: datetime,
               timing: Timing) -> Verdict:
    """Whether the beat numbered `seq` (dated `sent_at` by the page, if at all), arriving `now`,
    counts for a session whose last accepted beat was `last_seq` at `last_beat_at`: credited is
    the real time elapsed since then by the server's clock, at most heartbeat + tolerance."""
    if sent_at is not None and sent_at > now + timedelta(seconds=FUTURE_SKEW_SECONDS):
        return Verdict(FUTURE_TIMESTAMP)
    if seq <= last_seq:
        return Verdict(REPLAYED)
    elapsed = (now - last_beat_at).total_seconds()
    if elapsed < timing.min_gap:
        return Verdict(TOO_SOON)
    if elapsed > timing.idle:
        return Verdict(None, 0)
    return Verdict(None, int(min(elapsed, timing.most_per_beat)))


def split_by_day(end: datetime, seconds: int, tz: tzinfo) -> list[tuple[date, int]]:
    """The `seconds` (whole) that ended at `end`, as (local day in `tz`, seconds on that day), in
    order; they add up to `seconds` (a second that straddles midnight counts on the later day)."""
    start = end - timedelta(seconds=seconds)
    parts = []
    done = 0
    day = start.astimezone(tz).date()
    while done < seconds:
        next_midnight = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(days=1)
        # Whole seconds from the start to the midnight (rounded down), at most all of them.
        until = min(seconds, int((next_midnight.astimezone(UTC) - start).total_seconds()))
        if until > done:
            parts.append((day, until - done))
            done = until
        day += timedelta(days=1)
    return parts


def need_seconds(estimated_minutes: int) -> int:
    """The counted time that earns a material's full credit: its length, at least a minute."""
    return max(60, int(estimated_minutes) * 60)


@dataclass(frozen=True, slots=True)
class Counted:
    """What crediting keeps of a person's progress in a material and year: the seconds that
    count towards credit, the credit granted (hundredths) and the counted seconds it stands for,
    and whether the material is completed."""

    counted_seconds: int = 0
    granted_hundredths: int = 0
    granted_seconds: int = 0
    completed: bool = False


@dataclass(frozen=True, slots=True)
class Grant:
    """One ledger entry: `hundredths` of credit, `total` granted with it (the dedupe key's
    cumulative amount) and the `minutes` it stands for."""

    hundredths: int
    total: int
    minutes: int


@dataclass(frozen=True, slots=True)
class DayCredit:
    """The next state of the progress after a day's seconds, the grant they complete (None: none)
    and whether the day's cap cut them short. If the grant cannot be booked (a closed training
    year), the state stays as it was before."""

    after: Counted
    grant: Grant | None = None
    capped: bool = False


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def credit_day(before: Counted, seconds: int, *, full: int, need: int, remaining: int | None) -> DayCredit:
    """Credit `seconds` read on one local day.

    `full`: the material's full credit in the year (hundredths; 0 when it earns none); `need`: the
    counted seconds that earn it (`need_seconds`); `remaining`: what the day's online cap still
    allows (hundredths; None: no cap). Credit is earned in proportion to the counted time, in
    steps of STEP_HUNDREDTHS, the full credit once `need` is reached; only time the cap lets
    through counts."""
    if before.completed or full <= 0:
        return DayCredit(before)
    if before.granted_hundredths >= full:  # the rules or the length changed since the last grant
        return DayCredit(Counted(before.counted_seconds, before.granted_hundredths, before.granted_seconds, True))
    if remaining is not None and remaining <= 0:
        return DayCredit(before, capped=True)
    counted = before.counted_seconds + seconds
    earned = full if counted >= need else (full * counted // need) // STEP_HUNDREDTHS * STEP_HUNDREDTHS
    to_grant = earned - before.granted_hundredths
    if to_grant <= 0:
        return DayCredit(Counted(counted, before.granted_hundredths, before.granted_seconds, False))
    capped = remaining is not None and to_grant > remaining
    if capped:
        to_grant = remaining
        # Of this day's time, only what the granted credit stands for counts; the rest is cut by
        # the cap (time counted before stays counted).
        counted = max(before.counted_seconds, min(counted, _ceil_div((before.granted_hundredths + to_grant) * need, full)))
    total = before.granted_hundredths + to_grant
    # Cumulative rounding, so the entries' minutes add up to the counted time.
    minutes = max(0, counted // 60 - before.granted_seconds // 60)
    return DayCredit(Counted(counted, total, counted, total >= full), Grant(to_grant, total, minutes), capped)
