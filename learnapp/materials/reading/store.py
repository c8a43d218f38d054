"""The heartbeat's statements: reads and writes of reading sessions and progress as plain rows.

Every reader sends a heartbeat every HEARTBEAT_SECONDS, so this is the hottest write path of the
site. It reads the session, its material's crediting facts and the year's progress in one
statement (which also checks the caller's sign-in, accounts.caller), and writes only the columns
that changed. The statements are built once: building a SQLAlchemy statement costs more than
running it on this path. Writes go through Core, not the ORM's unit of work; an ORM instance of
the same row already loaded in the session (tests, the demo loader) is expired so it reads the
new values.

Every write of a beat goes through its `BeatWriter`, whose first write is the compare-and-set on
the session (still open, no beat accepted since the read): alone, before credit is granted or a
second progress row is written; otherwise, in the usual beat that only adds time, together with
the progress row (one statement on PostgreSQL). When it changes no row, nothing was written and
`StaleRead` is raised: the beat runs again (reading.beat). On PostgreSQL the UPDATE waits for a
concurrent writer of the same row and then checks its WHERE against the row as that one left it;
on SQLite the reads come before the database's write lock is taken (`db.reads_before_write_lock`)
and the second run reads under it. A person has one open session at a time (starting one closes
the others, in the same transaction, after locking them), so a session unchanged since the read
also means that the progress rows it credits are unchanged: only beats of the person's open
session write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Row, and_, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from learnapp.accounts.caller import Caller, ClaimCheckedStatement
from learnapp.actors import SYSTEM
from learnapp.db import db, is_postgres, transaction_from_here
from learnapp.ledger import queries as ledger_queries
from learnapp.ledger import services as ledger_services
from learnapp.ledger.queries import online_credit_column
from learnapp.materials.models import Material, ReadingProgress, ReadingSession
from learnapp.materials.reading.rows import (
    PROGRESS_VALUES,
    ProgressRow,
    TimedMaterial,
    create_progress,
    expire_loaded,
    find_progress,
    update_row,
)


@cache
def _record_beat_statement():
    table = ReadingSession.__table__
    # Compare-and-set: the session is still open and no other beat was accepted since it was read
    # (every accepted beat raises last_seq).
    return (update(table).where(table.c.id == bindparam("row_id"), table.c.last_seq == bindparam("seen_seq"),
                                table.c.closed_at.is_(None))
            .values(last_beat_at=bindparam("now"), last_seq=bindparam("seq"), beats=table.c.beats + 1,
                    active_seconds=table.c.active_seconds + bindparam("credited"),
                    position_ms=bindparam("at_position")))


@dataclass(frozen=True, slots=True)
class Beat:
    """An accepted beat as its compare-and-set writes it on the session: the session and the
    `last_seq` it was read with, the beat's time and number, and the seconds it credits."""

    session_id: int
    seen_seq: int
    now: datetime
    seq: int
    credited: int
    position_ms: int | None = None  # video and audio: the player's position (None: not watched)

    def params(self) -> dict:
        return {"row_id": self.session_id, "seen_seq": self.seen_seq, "now": self.now, "seq": self.seq,
                "credited": self.credited, "at_position": self.position_ms}


# The session's columns that a beat writes.
_BEAT_COLUMNS = ["last_beat_at", "last_seq", "beats", "active_seconds", "position_ms"]


def _record_beat(beat: Beat) -> bool:
    """The accepted beat: its time and number, one more beat and the credited seconds; False (and
    nothing written) when the session was closed or took another beat since it was read with
    `beat.seen_seq`."""
    if db.session.execute(_record_beat_statement(), beat.params()).rowcount != 1:
        return False
    expire_loaded(ReadingSession, beat.session_id, _BEAT_COLUMNS)
    return True


@cache
def _record_beat_and_progress_statement():
    """PostgreSQL: `_record_beat`'s compare-and-set and the progress UPDATE in one statement (a
    data-modifying WITH): the progress row is written only when the session's row was, so the
    UPDATE's row count tells both. Its SET clause follows the parameters' keys, as `update_row`'s
    (so does the CTE's: the one progress column that a session also has, active_seconds, is set
    there explicitly, which wins)."""
    sessions, progress = ReadingSession.__table__, ReadingProgress.__table__
    beat = _record_beat_statement().returning(sessions.c.id).cte("beat")
    return (update(progress).add_cte(beat)
            .where(progress.c.id == bindparam("progress_id"), select(beat.c.id).exists()))


@cache
def _record_beat_and_new_progress_statement():
    """PostgreSQL: `_record_beat`'s compare-and-set and the INSERT of a progress row the person did
    not have, with its values, in one statement; the row is inserted only when the session's row
    was written. No ON CONFLICT: if another request created the row since the beat read it
    missing, the unique constraint fails the whole statement and nothing is written."""
    sessions, progress = ReadingSession.__table__, ReadingProgress.__table__
    beat = _record_beat_statement().returning(sessions.c.id).cte("beat")
    # The parameters are prefixed: SQLAlchemy adds a parameter named like a column of the CTE's
    # table (user_id, material_id) to that UPDATE's SET clause.
    values = select(*(bindparam(f"new_{name}", type_=progress.c[name].type) for name in _NEW_ROW_COLUMNS))
    return (insert(progress).from_select(_NEW_ROW_COLUMNS, values.where(select(beat.c.id).exists()))
            .add_cte(beat).returning(progress.c.id))


_NEW_ROW_COLUMNS = ["user_id", "material_id", "year", *PROGRESS_VALUES]


def _record_beat_and_progress(beat: Beat, progress: ProgressRow) -> bool:
    """`_record_beat`, then `progress.save()` when it succeeded: on PostgreSQL in one statement
    (one round trip fewer on every beat, and no transaction block around two), also when the
    progress row is new (the first beat of a material in a year); on SQLite, where a WITH cannot
    write, in two. False, with nothing written, when either write finds the state it was read
    with changed."""
    changed = progress.values() if progress.is_new else progress.changes()
    if not is_postgres() or not changed:
        transaction_from_here()  # two writes
        return _record_beat(beat) and progress.save()
    if progress.is_new:
        try:
            row = {**progress.key, **changed}
            new_id = db.session.execute(_record_beat_and_new_progress_statement(),
                                        {**beat.params(), **{f"new_{name}": row[name] for name in _NEW_ROW_COLUMNS}}).scalar()
        except IntegrityError:
            return False  # the row appeared meanwhile; the caller rolls back and reads again
        if new_id is None:
            return False
        progress.created(new_id)
    else:
        result = db.session.execute(_record_beat_and_progress_statement(),
                                    {**beat.params(), "progress_id": progress.id, **changed})
        if result.rowcount != 1:
            return False
        expire_loaded(ReadingProgress, progress.id, list(changed))
        progress.saved(changed)
    expire_loaded(ReadingSession, beat.session_id, _BEAT_COLUMNS)
    return True


def close_session_row(session_id: int, now: datetime, reason: str) -> None:
    """End the session (a refused beat: its material may no longer be read)."""
    update_row(ReadingSession, session_id, {"closed_at": now, "close_reason": reason})


def _beat_statement():
    # Table columns, not mapped attributes: the ORM's result handling would cost as much as the query.
    sessions, materials, progress = ReadingSession.__table__.c, Material.__table__.c, ReadingProgress.__table__.c
    same = and_(progress.user_id == sessions.user_id, progress.material_id == sessions.material_id,
                progress.year == bindparam("year"))
    stmt = (select(sessions.user_id, sessions.last_beat_at, sessions.last_seq, sessions.closed_at,
                   sessions.close_reason, sessions.position_ms, materials.id.label("material_id"), materials.title,
                   materials.kind, materials.estimated_minutes, materials.status, materials.media_seconds,
                   online_credit_column(sessions.user_id).label("online_today"),
                   progress.id.label("progress_id"), *(progress[name] for name in PROGRESS_VALUES))
            .join_from(ReadingSession.__table__, Material.__table__, materials.id == sessions.material_id)
            .outerjoin(ReadingProgress.__table__, same)
            .where(sessions.id == bindparam("session_id")))
    return stmt, sessions.user_id


# The beat's first statement; for a claimant (accounts.caller) it checks the sign-in as well.
_BEAT = ClaimCheckedStatement(_beat_statement)


@dataclass(frozen=True, slots=True)
class BeatRow:
    """A session as a heartbeat sees it: its state, its material, its progress of the year (None:
    none yet) and the person's online credit of the day (for the daily cap)."""

    user_id: int
    last_beat_at: datetime
    last_seq: int
    closed_at: datetime | None
    close_reason: str | None
    material: TimedMaterial
    progress: ProgressRow | None
    online_today: int
    position_ms: int | None = None  # video and audio: the position at the last accepted beat


def beat_row(caller: Caller, session_id: int, today: date) -> BeatRow | None:
    """The session with its material, its progress of today's year and the person's online credit
    of `today` (a local day): one statement, no locks, the caller's first (accounts.caller)."""
    params = {"session_id": session_id, "year": today.year, "online_year": today.year, "online_day": today}
    row: Row | None = caller.first_row(_BEAT, params)
    if row is None:
        return None
    material = TimedMaterial(row.material_id, row.title, row.kind, row.estimated_minutes, row.status,
                             row.media_seconds)
    progress = None if row.progress_id is None else ProgressRow(row.progress_id, row)
    return BeatRow(row.user_id, row.last_beat_at, row.last_seq, row.closed_at, row.close_reason, material, progress,
                   int(row.online_today or 0), row.position_ms)


class StaleRead(Exception):
    """What the heartbeat read before its first write changed before it wrote: the session was
    closed or took another beat, or other online credit of the day came in."""


class BeatWriter:
    """Every write of one heartbeat (`beat`), in the one order that keeps it safe: the
    compare-and-set on the session first. With `beat=None`, writes without a session and so
    without a compare-and-set (nothing books time that way now: the demo beats, see
    materials/demo_reading.py)."""

    __slots__ = ("beat", "recorded")

    def __init__(self, beat: Beat | None):
        self.beat = beat
        self.recorded = beat is None

    def _record(self) -> None:
        """The compare-and-set alone, before other writes (in one transaction with them)."""
        if not self.recorded:
            transaction_from_here()
            self.finish()

    def finish(self) -> None:
        """The compare-and-set, if no write made it yet (a beat that credited nothing)."""
        if not self.recorded:
            if not _record_beat(self.beat):
                raise StaleRead()
            self.recorded = True

    def progress(self, user_id: int, material_id: int, year: int, *, known_missing: bool) -> ProgressRow:
        """The person's progress row of the material and year, which the beat did not read: found
        (or created), or, when the beat's read found none, a new row that its save will insert."""
        if known_missing and self.beat is not None:
            return ProgressRow.new(user_id, material_id, year)
        self._record()
        if known_missing:
            return create_progress(user_id, material_id, year)
        return find_progress(user_id, material_id, year) or create_progress(user_id, material_id, year)

    def grant(self, user_id: int, day: date, online_read: int | None, **entry):
        """`ledger.services.grant(SYSTEM, user_id, occurred_on=day, **entry)` in a savepoint, after
        the compare-and-set; `online_read`: the person's online credit of `day` as the beat read it
        (StaleRead when other online credit came in since). Raises DomainError (a closed year)."""
        self._record()
        if online_read is not None and ledger_queries.online_credit_on(user_id, day) != online_read:
            raise StaleRead()
        with db.session.begin_nested():
            return ledger_services.grant(SYSTEM, user_id, occurred_on=day, **entry)

    def save(self, rows: list[ProgressRow]) -> None:
        """Write the changed progress rows: with the compare-and-set when that is still to come and
        there is one row (one statement on PostgreSQL), else after it."""
        if len(rows) > 1:
            self._record()  # time across New Year: more than one write, in one transaction
        for progress in rows:
            if self.recorded:
                if not progress.save():
                    raise StaleRead()
            elif _record_beat_and_progress(self.beat, progress):
                self.recorded = True
            else:
                raise StaleRead()


def open_sessions_of(user_id: int) -> list[ReadingSession]:
    """The person's open reading sessions (locked on PostgreSQL: a new one closes them)."""
    stmt = select(ReadingSession).where(ReadingSession.user_id == user_id, ReadingSession.closed_at.is_(None))
    if is_postgres():
        stmt = stmt.with_for_update()
    return list(db.session.scalars(stmt))


def last_position_ms(user_id: int, material_id: int) -> int | None:
    """Where the person stopped watching the material: the position of their newest session of it
    that has one (the page resumes there)."""
    sessions = ReadingSession.__table__.c
    return db.session.scalar(select(sessions.position_ms)
                             .where(sessions.user_id == user_id, sessions.material_id == material_id,
                                    sessions.position_ms.is_not(None))
                             .order_by(sessions.id.desc()).limit(1))


def session_for_update(session_id: int) -> ReadingSession | None:
    """The reading session (locked on PostgreSQL), for closing it."""
    stmt = select(ReadingSession).where(ReadingSession.id == session_id)
    if is_postgres():
        stmt = stmt.with_for_update()
    return db.session.scalar(stmt)
