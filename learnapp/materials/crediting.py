"""Measured reading time and how it becomes ledger credit.

The rule (documented for learners on the reading page and in the README):

1. Opening a material's page starts a reading session (a POST from the page's script; a GET never
   writes). Starting one closes every other open session of the person: the newest session wins,
   so ten open tabs earn no more than one.
2. While the reader is active (tab visible, input within the last minute or media playing) the page
   sends a heartbeat every HEARTBEAT_SECONDS. For each accepted heartbeat the server credits the
   real time elapsed since the previous accepted one, by its own clock, at most HEARTBEAT_SECONDS +
   READING_TOLERANCE_SECONDS; when more than READING_IDLE_SECONDS passed nothing is credited (the
   reader was away) and counting restarts from this heartbeat.
3. Credited time is booked on the local day it happened (a heartbeat just after midnight splits
   between the two days, and between two training years on 1 January).
4. A material earns at most what the year's rules give for its length
   (`rules.item_credit(estimated_minutes)`), in proportion to the counted time: the full credit once
   the counted time reaches the estimated length. Credit goes to the ledger in steps of 0.25 学时
   (and the remainder at completion), each step one ledger entry with the dedupe key
   `read:<user>:<material>:<year>:<cumulative hundredths>`, so the database itself refuses a
   second grant of the same step. The material is completed when its full credit is granted.
5. Online credit per local day is capped by `rules.daily_online_cap`, less what the ledger already
   holds for that day (`ledger.queries.online_credit_on`). Time read while the day's cap is used up
   does not count, and time that a cap cut short does not carry over to another day.
6. External links (kind "link") are not timed: reading on another site cannot be measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import clock
from learnapp.accounts.models import User
from learnapp.accounts.sessions import Claim
from learnapp.db import db, is_postgres, reads_before_write_lock, transaction_needed
from learnapp.errors import DomainError
from learnapp.ledger import queries as ledger_queries
from learnapp.ledger import services as ledger_services
from learnapp.ledger.models import Category
from learnapp.ledger.rules import YearRules, rules_for_year
from learnapp.materials import reading_rows
from learnapp.materials.models import Material, MaterialKind, ReadingSession
from learnapp.materials.queries import can_see_material
from learnapp.materials.reading_rows import ProgressRow, TimedMaterial

STEP_HUNDREDTHS = 25
# How far ahead of the server clock a heartbeat's own timestamp may be (network and clock jitter).
FUTURE_SKEW_SECONDS = 5


def heartbeat_seconds() -> int:
    return int(current_app.config.get("HEARTBEAT_SECONDS", 30))


def tolerance_seconds() -> int:
    return int(current_app.config.get("READING_TOLERANCE_SECONDS", 5))


def min_gap_seconds() -> float:
    """Heartbeats closer together than this are refused without changing anything (a flood earns
    nothing anyway, because only elapsed time counts, but it should not cost a write each)."""
    return heartbeat_seconds() / 3


def idle_seconds() -> int:
    """A gap longer than this earns nothing: default three heartbeats."""
    return int(current_app.config.get("READING_IDLE_SECONDS", 3 * heartbeat_seconds()))


def material_credit(year: int, minutes: int, kind: MaterialKind | str, *, rules: YearRules | None = None) -> int:
    """Hundredths of a 学时 a material of this length earns in the year (0 when it is not timed).
    `rules`: the year's rules when the caller has them already (e.g. for a whole list)."""
    kind = MaterialKind(kind)
    if not kind.is_timed:
        return 0
    return int((rules or rules_for_year(year)).item_credit(int(minutes), category_for(kind)))


def category_for(kind: MaterialKind) -> Category:
    """Video and audio count as online video, everything else as online reading."""
    return Category.online_video if kind.is_media else Category.online_reading


class HeartbeatRefused(DomainError):
    """A heartbeat or session start that is refused; `code` names the reason for the page's script."""

    def __init__(self, code: str, message: str, status: int = 409):
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass
class BeatResult:
    session_id: int | None
    credited_seconds: int = 0
    capped: bool = False
    year_closed: bool = False
    granted_now: int = 0
    progress: ProgressRow | None = None
    days: list[date] = field(default_factory=list)

    def as_json(self) -> dict:
        p = self.progress
        return {
            "ok": True,
            "session": self.session_id,
            "credited_seconds": self.credited_seconds,
            "active_seconds": p.active_seconds if p else 0,
            "counted_seconds": p.counted_seconds if p else 0,
            "granted_hundredths": p.granted_hundredths if p else 0,
            "target_hundredths": p.target_hundredths if p else 0,
            "granted_now": self.granted_now,
            "completed": bool(p and p.completed_at),
            "capped": self.capped,
            "year_closed": self.year_closed,
            "interval": heartbeat_seconds(),
        }


def _check_material(user: User, material: Material | TimedMaterial | None) -> Material | TimedMaterial:
    if material is None or not can_see_material(user, material):
        raise HeartbeatRefused("material_unavailable", _("This material does not exist or you may not read it."), 404)
    if not material.is_published:
        raise HeartbeatRefused("material_unavailable", _("Drafts earn no reading time; publish the material first."), 403)
    return _check_timed(material)


def _check_timed(material: Material | TimedMaterial) -> Material | TimedMaterial:
    if not material.kind.is_timed:
        raise HeartbeatRefused("not_timed", _("Reading time on external sites cannot be measured."), 409)
    return material


def start_session(user: User, material: Material | None) -> ReadingSession:
    """Open a reading session for the person and close their other open sessions (newest wins)."""
    material = _check_material(user, material)
    now = clock.now()
    open_sessions = select(ReadingSession).where(ReadingSession.user_id == user.id, ReadingSession.closed_at.is_(None))
    if is_postgres():
        open_sessions = open_sessions.with_for_update()
    for other in db.session.scalars(open_sessions):
        other.closed_at = now
        other.close_reason = "superseded"
    session = ReadingSession(user_id=user.id, material_id=material.id, started_at=now, last_beat_at=now)
    db.session.add(session)
    db.session.flush()
    return session


def _unknown_session() -> HeartbeatRefused:
    # Another person's session answers exactly like a missing one.
    return HeartbeatRefused("unknown_session", _("This reading session does not exist."), 404)


def _load_session(user: User, session_id: int) -> ReadingSession:
    stmt = select(ReadingSession).where(ReadingSession.id == session_id)
    if is_postgres():
        # Two heartbeats of one session must not both credit the same seconds.
        stmt = stmt.with_for_update()
    session = db.session.scalar(stmt)
    if session is None or session.user_id != user.id:
        raise _unknown_session()
    return session


def close_session(user: User, session_id: int) -> ReadingSession:
    """The page was left: stop the session (the seconds since the last heartbeat are not credited)."""
    session = _load_session(user, session_id)
    if session.closed_at is None:
        session.closed_at = clock.now()
        session.close_reason = "closed"
        db.session.flush()
    return session


def _split_by_day(start: datetime, end: datetime) -> list[tuple[date, int]]:
    """Whole seconds of [start, end) on each local day."""
    parts = []
    cursor = start
    while cursor < end:
        day = clock.to_local(cursor).date()
        next_midnight = clock.local_midnight_utc(day + timedelta(days=1))
        stop = min(end, next_midnight)
        seconds = int((stop - cursor).total_seconds())
        if seconds > 0:
            parts.append((day, seconds))
        cursor = stop
    return parts


def _progress_for(user_id: int, material_id: int, year: int) -> ProgressRow:
    """The person's progress row of the material and year, created (all zero) on the first read."""
    progress = reading_rows.find_progress(user_id, material_id, year)
    return progress if progress is not None else reading_rows.create_progress(user_id, material_id, year)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _credit_day(user_id: int, material: Material | TimedMaterial, day: date, seconds: int, progress: ProgressRow,
                result: BeatResult, online_read: int | None = None, beat: _BeatWrite | None = None) -> None:
    """Add `seconds` read on the local `day` to the progress and grant the credit they complete.
    `online_read`: the person's online credit of the day when the caller read it (before the
    beat's first write: checked again before a grant); `beat`: the heartbeat's own write, made
    before any grant."""
    year = day.year
    now = clock.now()
    result.progress = progress
    progress.active_seconds += seconds
    progress.first_read_at = progress.first_read_at or now
    progress.last_read_at = now
    full = material_credit(year, material.estimated_minutes, material.kind)
    progress.target_hundredths = full
    if progress.completed_at is not None or full <= 0:
        return
    if progress.granted_hundredths >= full:  # the rules or the length changed since the last grant
        progress.completed_at = now
        return
    cap = rules_for_year(year).daily_online_cap
    if cap is None:
        remaining = None
    else:
        remaining = cap - (online_read if online_read is not None else ledger_queries.online_credit_on(user_id, day))
    if remaining is not None and remaining <= 0:
        result.capped = True
        return
    need = max(60, material.estimated_minutes * 60)
    before_counted = progress.counted_seconds
    progress.counted_seconds += seconds
    if progress.counted_seconds >= need:
        earned = full
    else:
        earned = (full * progress.counted_seconds // need) // STEP_HUNDREDTHS * STEP_HUNDREDTHS
    to_grant = earned - progress.granted_hundredths
    if to_grant <= 0:
        return
    if beat is not None:
        beat.record()  # before the grant: a stale beat must not add credit
    if online_read is not None and ledger_queries.online_credit_on(user_id, day) != online_read:
        raise _StaleRead()  # other online credit of the day came in since the read: run again
    if remaining is not None and to_grant > remaining:
        to_grant = remaining
        result.capped = True
        # Only the time that the granted credit stands for counts; the rest is cut by the cap.
        progress.counted_seconds = min(progress.counted_seconds,
                                       _ceil_div((progress.granted_hundredths + to_grant) * need, full))
    total = progress.granted_hundredths + to_grant
    # Cumulative rounding, so the entries' minutes add up to the counted time.
    minutes = max(0, progress.counted_seconds // 60 - progress.granted_seconds // 60)
    category = category_for(material.kind)
    try:
        with db.session.begin_nested():
            entry = ledger_services.grant(
                None, user_id, category=category, credit_hundredths=to_grant, occurred_on=day,
                source_type="material", source_id=str(material.id), minutes=minutes,
                reason=f"{material.title}", dedupe_key=f"read:{user_id}:{material.id}:{year}:{total}",
            )
    except DomainError:
        # The training year is closed: the time is recorded, no credit can be added to that year.
        progress.counted_seconds = before_counted
        result.year_closed = True
        return
    progress.granted_hundredths = total
    progress.granted_seconds = progress.counted_seconds
    progress.grants += 1
    if entry is not None:
        progress.credited_hundredths += entry.credit_hundredths
        result.granted_now += entry.credit_hundredths
    if total >= full:
        progress.completed_at = now


def _credit_time(user_id: int, material: Material | TimedMaterial, end: datetime, seconds: int, result: BeatResult,
                 known: tuple[int, ProgressRow | None] | None = None, online: tuple[date, int] | None = None,
                 beat: _BeatWrite | None = None) -> None:
    """Credit the `seconds` of reading that ended at `end`, day by day, and save the progress.
    `known`: (year, progress row of that year, or None when it has none) when the caller has read
    it already; `online`: (day, the person's online credit of that day) likewise; `beat`: the
    heartbeat's own write, made before this writes anything else, or with the progress."""
    rows: dict[int, ProgressRow | None] = dict([known]) if known else {}
    for day, part in _split_by_day(end - timedelta(seconds=seconds), end):
        result.days.append(day)
        progress = rows.get(day.year)
        if progress is None and day.year in rows and beat is not None:
            # Known to be missing (read by the beat): written by the beat's write, with its values.
            progress = rows[day.year] = reading_rows.ProgressRow.new(user_id, material.id, day.year)
        elif progress is None:
            if beat is not None:
                beat.record()
            # Known to be missing (read by the caller): created; not read yet: read, or created.
            progress = rows[day.year] = (reading_rows.create_progress(user_id, material.id, day.year)
                                         if day.year in rows else _progress_for(user_id, material.id, day.year))
        _credit_day(user_id, material, day, part, progress, result,
                    online_read=online[1] if online and online[0] == day else None, beat=beat)
    # None: a known-missing row of a year the time did not touch.
    to_save = [progress for progress in rows.values() if progress is not None]
    if beat is not None and len(to_save) > 1:
        beat.record()  # time across New Year: more than one write, in one transaction
    for progress in to_save:
        if beat is not None:
            beat.save(progress)
        else:
            progress.save()


class _BeatWrite:
    """The heartbeat's compare-and-set on its session (`reading_rows.record_beat`), made by the
    beat's first write: alone, in a transaction, before credit is granted or a second progress row
    is written (`record`); otherwise, in the usual beat that only adds time, as its only write:
    with the progress row, which the first beat of a material in a year creates (`save`, one
    statement on PostgreSQL, run without a transaction, see `db.autocommit_until_needed`), or
    alone when nothing was credited (`finish`)."""

    __slots__ = ("beat", "recorded")

    def __init__(self, beat: reading_rows.Beat):
        self.beat = beat
        self.recorded = False

    def record(self) -> None:
        if not self.recorded:
            transaction_needed()  # other writes follow
            self.finish()

    def finish(self) -> None:
        if not self.recorded:
            if not reading_rows.record_beat(self.beat):
                raise _StaleRead()
            self.recorded = True

    def save(self, progress: ProgressRow) -> None:
        if self.recorded:
            if not progress.save():
                raise _StaleRead()
            return
        if not reading_rows.record_beat_and_progress(self.beat, progress):
            raise _StaleRead()
        self.recorded = True


class _StaleRead(Exception):
    """What the heartbeat read before its first write changed before it wrote: the session was
    closed or took another beat, or other online credit of the day came in."""


def heartbeat(user: User, session_id: int, seq: int, at: datetime | None = None) -> BeatResult:
    """Accept one heartbeat of the person's own open session and credit the active time it shows.

    The beat reads without locks (on SQLite, before the database's single write lock, so that the
    lock is held for its writes only: every reader beats every 30 s) and writes first a
    compare-and-set on the session (reading_rows). If another request moved the session in
    between (a copy of the same beat sent twice, a new tab that closed it), nothing was written:
    the beat runs again and sees what that request did. The second run cannot be overtaken on
    SQLite (it reads under the lock); on PostgreSQL a third request of the same session at the
    same moment gets the answer to a beat that came too soon."""
    return _with_a_second_run(lambda: _heartbeat(user, None, session_id, seq, at))


def heartbeat_of_claim(claim: Claim, session_id: int, seq: int, at: datetime | None = None) -> BeatResult | None:
    """`heartbeat` for the person the session cookie claims, the claim checked by the beat's own
    read (accounts.sessions.checks_sign_in_itself): one statement fewer than reading the person
    first. None, with nothing written, when the claim does not hold, the session is not the
    claimant's or its material is not published: then `heartbeat(current_user, …)` answers, with
    the refusal the person's roles decide."""
    try:
        return _with_a_second_run(lambda: _heartbeat(None, claim, session_id, seq, at))
    except _TheLongWay:
        return None


def _with_a_second_run(run) -> BeatResult:
    with reads_before_write_lock():
        try:
            return run()
        except _StaleRead:
            pass
    db.session.rollback()
    try:
        return run()
    except _StaleRead:
        db.session.rollback()
        raise HeartbeatRefused("too_soon", _("Heartbeats came too quickly; nothing was counted."), 429) from None


class _TheLongWay(Exception):
    """The beat of a claim needs the person read as usual (raised before anything is written)."""


def _heartbeat(user: User | None, claim: Claim | None, session_id: int, seq: int, at: datetime | None) -> BeatResult:
    """One run of the beat, for `user` or else for the session cookie's `claim`."""
    now = clock.now()
    today = clock.to_local(now).date()
    year = today.year
    beat = reading_rows.beat_row(session_id, today, claim)
    if claim is not None and (beat is None or not beat.material.is_published):
        raise _TheLongWay()
    if beat is None or (user is not None and beat.user_id != user.id):
        raise _unknown_session()
    if beat.closed_at is not None:
        if beat.close_reason == "superseded":
            raise HeartbeatRefused("superseded", _("Reading time is now counted for the material you opened last, in another tab or window."))
        raise HeartbeatRefused("closed", _("This reading session has ended. Reload the page to continue."))
    material = beat.material
    try:
        if user is None:  # a claimant's material is published (checked above): roles do not matter
            _check_timed(material)
        else:
            _check_material(user, material)
    except HeartbeatRefused:
        reading_rows.close_session_row(session_id, now, "closed")
        raise
    if at is not None and at > now + timedelta(seconds=FUTURE_SKEW_SECONDS):
        raise HeartbeatRefused("future_timestamp", _("The heartbeat is dated in the future."), 400)
    if seq <= beat.last_seq:
        raise HeartbeatRefused("replayed", _("This heartbeat was already received."), 409)
    elapsed = (now - beat.last_beat_at).total_seconds()
    if elapsed < min_gap_seconds():
        raise HeartbeatRefused("too_soon", _("Heartbeats came too quickly; nothing was counted."), 429)
    result = BeatResult(session_id=session_id)
    credited = 0 if elapsed > idle_seconds() else int(min(elapsed, heartbeat_seconds() + tolerance_seconds()))
    if credited:
        rules_for_year(year)  # read now, before the write lock (kept for the request)
    write = _BeatWrite(reading_rows.Beat(session_id, beat.last_seq, now, seq, credited))
    result.credited_seconds = credited
    if credited:
        _credit_time(beat.user_id, material, now, credited, result, known=(year, beat.progress),
                     online=(today, beat.online_today), beat=write)
    else:
        result.progress = beat.progress
    write.finish()  # a beat that credited nothing; else done already
    return result


def book_time(user: User, material: Material, end: datetime, seconds: int) -> BeatResult:
    """Credit `seconds` of reading that ended at `end`, exactly as heartbeats would have
    (used by the demo loader to give demo people a reading history)."""
    result = BeatResult(session_id=None)
    _credit_time(user.id, material, end, seconds, result)
    return result
