"""The entry points of reading time: start and close a reading session, and a heartbeat (the
demo's reading goes through them too, materials/demo_reading.py). The rules are in the
package's docstring, their arithmetic in `arithmetic`, the statements in `store`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _

from learnapp import clock
from learnapp.accounts.caller import Caller
from learnapp.accounts.models import User
from learnapp.db import db, reads_before_write_lock
from learnapp.errors import DomainError, Refused
from learnapp.ledger import queries as ledger_queries
from learnapp.ledger.rules import rules_for_year
from learnapp.materials.credit import category_for, credit_minutes, is_watched, material_credit
from learnapp.materials.models import Material, ReadingSession
from learnapp.materials.queries import can_see_material
from learnapp.materials.reading import arithmetic, store, watching
from learnapp.materials.reading.rows import ProgressRow, TimedMaterial


def timing() -> arithmetic.Timing:
    """The heartbeat's settings from the configuration."""
    config = current_app.config
    heartbeat = int(config.get("HEARTBEAT_SECONDS", 30))
    return arithmetic.Timing(heartbeat, int(config.get("READING_TOLERANCE_SECONDS", 5)),
                             int(config.get("READING_IDLE_SECONDS", 3 * heartbeat)))


class HeartbeatRefused(Refused):
    """A heartbeat, session start or close that is refused; `code` names the reason for the page's script."""


def _refused(code: str) -> HeartbeatRefused:
    if code == arithmetic.SUPERSEDED:
        return HeartbeatRefused(code, _("Reading time is now counted for the material you opened last, in another tab "
                                        "or window."))
    if code == arithmetic.CLOSED:
        return HeartbeatRefused(code, _("This reading session has ended. Reload the page to continue."))
    if code == arithmetic.FUTURE_TIMESTAMP:
        return HeartbeatRefused(code, _("The heartbeat is dated in the future."), 400)
    if code == arithmetic.REPLAYED:
        return HeartbeatRefused(code, _("This heartbeat was already received."), 409)
    return HeartbeatRefused(arithmetic.TOO_SOON, _("Heartbeats came too quickly; nothing was counted."), 429)


def _unknown_session() -> HeartbeatRefused:
    # Another person's session answers exactly like a missing one.
    return HeartbeatRefused("unknown_session", _("This reading session does not exist."), 404)


@dataclass
class BeatResult:
    session_id: int | None
    credited_seconds: int = 0
    capped: bool = False
    year_closed: bool = False
    granted_now: int = 0
    progress: ProgressRow | None = None
    days: list[date] = field(default_factory=list)
    watch_reason: str | None = None  # video and audio: why the beat earned less than it played

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
            "interval": timing().heartbeat,
            "watch": self.watch_reason,
        }


def _check_material(actor, material: Material | TimedMaterial | None) -> Material | TimedMaterial:
    if material is None or not can_see_material(actor, material):
        raise HeartbeatRefused("material_unavailable", _("This material does not exist or you may not read it."), 404)
    if not material.is_published or not _book_published(material):
        raise HeartbeatRefused("material_unavailable", _("Drafts earn no reading time; publish the material first."), 403)
    if not material.kind.is_timed:
        raise HeartbeatRefused("not_timed", _("Reading time on external sites cannot be measured."), 409)
    return material


def _book_published(material: Material | TimedMaterial) -> bool:
    """A chapter earns only in a published book (a beat's row has no book: its start checked)."""
    book_id = getattr(material, "book_id", None)
    if book_id is None:
        return True
    book = db.session.get(Material, book_id)
    return book is not None and book.is_published


def start_session(user: User, material: Material | None, position_ms: int | None = None) -> ReadingSession:
    """Open a reading session for the person and close their other open sessions (newest wins).
    `position_ms`: where the player of a video or audio starts (its next beat is measured from it)."""
    material = _check_material(user, material)
    now = clock.now()
    for other in store.open_sessions_of(user.id):
        other.closed_at = now
        other.close_reason = "superseded"
    session = ReadingSession(user_id=user.id, material_id=material.id, started_at=now, last_beat_at=now,
                             position_ms=position_ms if is_watched(material) else None)
    db.session.add(session)
    db.session.flush()
    return session


def close_session(user: User, session_id: int, position_ms: int | None = None) -> ReadingSession:
    """The page was left: stop the session (the seconds since the last heartbeat are not credited).
    `position_ms`: where the player stopped, kept so that the page resumes there (earns nothing)."""
    session = store.session_for_update(session_id)
    if session is None or session.user_id != user.id:
        raise _unknown_session()
    if position_ms is not None and session.position_ms is not None:
        session.position_ms = position_ms
    if session.closed_at is None:
        session.closed_at = clock.now()
        session.close_reason = "closed"
        db.session.flush()
    return session


def heartbeat(caller: Caller, session_id: int, seq: int, sent_at: datetime | None = None,
              watch: arithmetic.WatchReport | None = None) -> BeatResult:
    """Accept one heartbeat of the caller's own open session and credit the active time it shows.

    The beat reads without locks (on SQLite, before the database's single write lock, so that the
    lock is held for its writes only: every reader beats every 30 s) and its first write is a
    compare-and-set on the session (store.BeatWriter). If another request moved the session in
    between (a copy of the same beat sent twice, a new tab that closed it), nothing was written:
    the beat runs again and sees what that request did. The second run cannot be overtaken on
    SQLite (it reads under the lock); on PostgreSQL a third request of the same session at the
    same moment gets the answer to a beat that came too soon.

    `watch`: what the player reports, for a video or audio (reading.watching): its credit is the
    media time the watching rules allow within the beat's clock time."""
    with reads_before_write_lock():
        try:
            return _beat_once(caller, session_id, seq, sent_at, watch)
        except store.StaleRead:
            pass
    db.session.rollback()
    try:
        return _beat_once(caller, session_id, seq, sent_at, watch)
    except store.StaleRead:
        db.session.rollback()
        raise _refused(arithmetic.TOO_SOON) from None


def _beat_once(caller: Caller, session_id: int, seq: int, sent_at: datetime | None,
               watch: arithmetic.WatchReport | None) -> BeatResult:
    now = clock.now()
    today = clock.to_local(now).date()
    row = store.beat_row(caller, session_id, today)
    if row is None or row.user_id != caller.actor.id:
        raise _unknown_session()
    refusal = arithmetic.session_refusal(row.closed_at is not None, row.close_reason)
    if refusal:
        raise _refused(refusal)
    try:
        _check_material(caller.actor, row.material)
    except HeartbeatRefused:
        store.close_session_row(session_id, now, "closed")
        raise
    verdict = arithmetic.judge_beat(last_beat_at=row.last_beat_at, last_seq=row.last_seq, seq=seq, sent_at=sent_at,
                                    now=now, timing=timing())
    if verdict.refusal:
        raise _refused(verdict.refusal)
    seconds, position_ms, reason = verdict.seconds, None, None
    if is_watched(row.material):
        watched = watching.judge(row.material, verdict.seconds, row.position_ms, watch)
        seconds, reason = watched.seconds, watched.reason
        position_ms = row.position_ms if watch is None else round(watched.position * 1000)
    result = BeatResult(session_id=session_id, credited_seconds=seconds, progress=row.progress, watch_reason=reason)
    writer = store.BeatWriter(store.Beat(session_id, row.last_seq, now, seq, seconds, position_ms))
    if seconds:
        rules_for_year(today.year)  # read now, before the write lock (kept for the request)
        _credit_time(writer, row.user_id, row.material, now, seconds, result,
                     known=(today.year, row.progress), online=(today, row.online_today))
    writer.finish()  # a beat that credited nothing; else done already
    return result


def _credit_time(writer: store.BeatWriter, user_id: int, material: Material | TimedMaterial, end: datetime,
                 seconds: int, result: BeatResult, known: tuple[int, ProgressRow | None] | None = None,
                 online: tuple[date, int] | None = None) -> None:
    """Credit the `seconds` of reading that ended at `end`, day by day, and save the progress.
    `known`: (year, progress row of that year, or None when it has none) as the beat read it;
    `online`: (day, the person's online credit of that day) likewise."""
    rows: dict[int, ProgressRow | None] = dict([known]) if known else {}
    for day, part in arithmetic.split_by_day(end, seconds, clock.local_tz()):
        result.days.append(day)
        progress = rows.get(day.year)
        if progress is None:
            progress = rows[day.year] = writer.progress(user_id, material.id, day.year, known_missing=day.year in rows)
        _credit_day(writer, user_id, material, day, part, progress, result,
                    online_read=online[1] if online and online[0] == day else None)
    writer.save([progress for progress in rows.values() if progress is not None])


def _credit_day(writer: store.BeatWriter, user_id: int, material: Material | TimedMaterial, day: date, seconds: int,
                progress: ProgressRow, result: BeatResult, online_read: int | None) -> None:
    """Add `seconds` read on the local `day` to the progress and grant the credit they complete.
    `online_read`: the person's online credit of the day when the beat read it."""
    now = clock.now()
    result.progress = progress
    progress.active_seconds += seconds
    progress.first_read_at = progress.first_read_at or now
    progress.last_read_at = now
    full = material_credit(day.year, credit_minutes(material), material.kind)
    progress.target_hundredths = full
    before = progress.counted()
    remaining = None
    if not before.completed and 0 < full and before.granted_hundredths < full:  # else the cap does not matter
        cap = rules_for_year(day.year).daily_online_cap
        if cap is not None:
            remaining = cap - (online_read if online_read is not None else ledger_queries.online_credit_on(user_id, day))
    decision = arithmetic.credit_day(before, seconds, full=full, need=watching.need_seconds(material),
                                     remaining=remaining)
    result.capped = result.capped or decision.capped
    after, grant = decision.after, decision.grant
    if grant is not None:
        try:
            entry = writer.grant(
                user_id, day, online_read, category=category_for(material.kind), credit_hundredths=grant.hundredths,
                source_type="material", source_id=str(material.id), minutes=grant.minutes, reason=f"{material.title}",
                dedupe_key=f"read:{user_id}:{material.id}:{day.year}:{grant.total}",
            )
        except DomainError:
            # The training year is closed: the time is recorded, no credit can be added to that year.
            result.year_closed = True
            return
        progress.grants += 1
        if entry is not None:
            progress.credited_hundredths += entry.credit_hundredths
            result.granted_now += entry.credit_hundredths
    progress.counted_seconds = after.counted_seconds
    progress.granted_hundredths = after.granted_hundredths
    progress.granted_seconds = after.granted_seconds
    if after.completed and not before.completed:
        progress.completed_at = now
