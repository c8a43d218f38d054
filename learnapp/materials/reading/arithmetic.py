"""The crediting rules as plain functions: values in, a decision out. No Flask, no database, no
clock: the caller passes the moments, the settings, the local time zone and what it read.

`judge_beat` decides whether a heartbeat counts and how many seconds it credits,
`split_by_day` books those seconds on the local days they happened, and `credit_day` turns a
day's seconds into the next progress state and the ledger grant they complete (the rules are in
the package's docstring, learnapp/materials/reading/__init__.py).
"""

from __future__ import annotations

import math
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


# --- Watching: video and audio with a measured position -----------------------------------------
# A beat of a media material also reports where the player is. Its clock time (judge_beat's
# seconds) counts only as far as the position moved with it: while playing, visible (and, if the
# rules say so, not muted), at most max_rate media seconds per clock second. Jumps earn nothing.
# Reasons a watched beat credits nothing or less than it played (the beat itself is accepted: its
# position becomes the next state, so counting goes on from there).
NOT_PLAYING = "not_playing"
HIDDEN = "hidden"
MUTED = "muted"
SOUGHT = "sought"  # the position went back (or was unknown): nothing to measure against
SKIPPED = "skipped"  # the position jumped ahead of what the clock allows: the jump earns nothing
TOO_FAST = "too_fast"  # played faster than max_rate: only clock time counts


@dataclass(frozen=True, slots=True)
class WatchRules:
    """The watching settings: the fastest playback rate whose media time counts in full, the
    position jitter allowed per beat (seconds), whether muted playback counts, and the share of
    the media's duration that earns its full credit."""

    max_rate: float = 1.5
    tolerance: float = 2.0
    muted_counts: bool = True
    share: float = 0.9


@dataclass(frozen=True, slots=True)
class WatchReport:
    """What the page reports with a beat, for the interval that the beat closes: the player's
    position (seconds) when sent, whether it was playing and the page visible, muted, its rate."""

    position: float
    playing: bool
    visible: bool
    muted: bool = False
    rate: float = 1.0


class Watched(NamedTuple):
    """A watched beat's credit (whole media seconds), why it is less than the interval (None:
    nothing was cut) and the next state's position."""

    seconds: int
    reason: str | None
    position: float


def judge_watch(clock_seconds: int, last_position: float | None, report: WatchReport, rules: WatchRules) -> Watched:
    """The seconds a watched beat earns. `clock_seconds`: what judge_beat credits for the time
    since the previous accepted beat (0 after an idle gap); `last_position`: the position that
    beat reported (None: none known). Credit never exceeds the position's advance, nor
    clock_seconds × max_rate; faster playback earns clock time only; a jump earns nothing."""
    position = max(0.0, float(report.position))
    if not report.visible:
        return Watched(0, HIDDEN, position)
    if not report.playing:
        return Watched(0, NOT_PLAYING, position)
    if report.muted and not rules.muted_counts:
        return Watched(0, MUTED, position)
    if last_position is None:
        return Watched(0, SOUGHT, position)
    advanced = position - last_position
    if advanced <= 0:
        return Watched(0, SOUGHT if advanced < -rules.tolerance else NOT_PLAYING, position)
    if clock_seconds <= 0:
        return Watched(0, None, position)  # an idle gap: counting restarts here
    if report.rate > rules.max_rate and advanced <= clock_seconds * report.rate + rules.tolerance:
        return Watched(min(clock_seconds, int(advanced)), TOO_FAST, position)
    if advanced > clock_seconds * rules.max_rate + rules.tolerance:
        return Watched(0, SKIPPED, position)
    return Watched(int(min(advanced, clock_seconds * rules.max_rate)), None, position)


def need_watch_seconds(media_seconds: int, share: float) -> int:
    """The watched seconds that earn a media material's full credit: the rules' share of its
    duration, at least a second."""
    return max(1, math.ceil(media_seconds * share))


def media_minutes(media_seconds: int) -> int:
    """The length that picks the year's band for a media material: its whole minutes."""
    return int(media_seconds) // 60
