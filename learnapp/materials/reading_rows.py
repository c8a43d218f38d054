"""Reads and writes of reading sessions and progress as plain rows, for the heartbeat.

Every reader sends a heartbeat every HEARTBEAT_SECONDS, so this is the hottest write path of the
site. It reads the session, its material's crediting facts and (on SQLite) the year's progress in
one statement, and writes only the columns that changed. The statements are built once: building
a SQLAlchemy statement costs more than running it on this path. Writes go through Core, not the
ORM's unit of work; an ORM instance of the same row already loaded in the session (tests, the demo
loader) is expired so it reads the new values.

Concurrency: the heartbeat reads without locks and its first write, `record_beat`, is a
compare-and-set on the session (still open, no beat accepted since the read); when that changes
no row, nothing was written and the beat runs again (crediting.heartbeat). On PostgreSQL the
UPDATE waits for a concurrent writer of the same row and then checks its WHERE against the row as
that one left it; on SQLite the reads come before the database's write lock is taken
(`db.reads_before_write_lock`) and the second run reads under it. A person has one open session
at a time (starting one closes the others, in the same transaction, after locking them), so a
session unchanged since the read also means that the progress rows it credits are unchanged:
only beats of the person's open session write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from types import SimpleNamespace

from sqlalchemy import Row, and_, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from learnapp.accounts import sessions as person_sessions
from learnapp.accounts.models import User
from learnapp.db import db, is_postgres, transaction_needed
from learnapp.ledger.queries import online_credit_column
from learnapp.materials.models import (
    Material,
    MaterialKind,
    MaterialStatus,
    ReadingProgress,
    ReadingSession,
)


@dataclass(frozen=True, slots=True)
class TimedMaterial:
    """What crediting needs of a material (no text, no relationships); a Material works in its place."""

    id: int
    title: str
    kind: MaterialKind
    estimated_minutes: int
    status: MaterialStatus

    @property
    def is_published(self) -> bool:
        return self.status is MaterialStatus.published


# The columns of reading_progress that crediting reads and may change.
PROGRESS_VALUES = ("active_seconds", "counted_seconds", "granted_hundredths", "credited_hundredths", "granted_seconds",
                   "target_hundredths", "grants", "first_read_at", "last_read_at", "completed_at")


class ProgressRow:
    """A reading_progress row as plain values while crediting changes it; `save()` writes only the
    columns that changed, in one UPDATE (a beat usually changes three of them). A row made by
    `ProgressRow.new` is not in the table yet: its first save INSERTs it with its values."""

    __slots__ = ("id", "key", "_saved", *PROGRESS_VALUES)

    def __init__(self, row_id: int | None, values, key: dict | None = None):
        self.id = row_id
        self.key = key  # user_id, material_id and year of a row not written yet
        self._saved = {name: getattr(values, name) for name in PROGRESS_VALUES}
        for name, value in self._saved.items():
            setattr(self, name, value)

    @classmethod
    def new(cls, user_id: int, material_id: int, year: int) -> ProgressRow:
        """The person's row of the material and year, known to be missing: all zero until saved."""
        return cls(None, _NEW_PROGRESS, {"user_id": user_id, "material_id": material_id, "year": year})

    @property
    def is_new(self) -> bool:
        return self.id is None

    def changes(self) -> dict:
        """The columns changed since the row was read or last saved, with their new values."""
        return {name: getattr(self, name) for name in PROGRESS_VALUES if getattr(self, name) != self._saved[name]}

    def values(self) -> dict:
        return {name: getattr(self, name) for name in PROGRESS_VALUES}

    def saved(self, changed: dict) -> None:
        self._saved.update(changed)

    def created(self, row_id: int) -> None:
        """The new row was written with all of its current values."""
        self.id, self.key = row_id, None
        self.saved(self.values())

    def save(self) -> bool:
        """Write what changed; False, with nothing written, when the row is new and another
        request created the person's row of this material and year since it was found missing."""
        if self.is_new:
            new_id = db.session.execute(_create_progress_statement(is_postgres()), {**self.key, **self.values()}).scalar()
            if new_id is None:
                return False
            self.created(new_id)
            return True
        changed = self.changes()
        if changed:
            _update_row(ReadingProgress, self.id, changed)
            self.saved(changed)
        return True


def _update_row(model, row_id: int, values: dict) -> None:
    # The SET clause follows the keys of the parameters, so one statement serves every set of columns.
    db.session.execute(_update_by_id(model), {"row_id": row_id, **values})
    _expire_loaded(model, row_id, list(values))


def _expire_loaded(model, row_id: int, names: list[str]) -> None:
    """An ORM instance of the row written through Core, when the session has one, reads these
    columns again."""
    loaded = db.session.identity_map.get(model.__mapper__.identity_key_from_primary_key((row_id,)))
    if loaded is not None:
        db.session.expire(loaded, names)


@cache
def _update_by_id(model):
    table = model.__table__
    return update(table).where(table.c.id == bindparam("row_id"))


@cache
def _record_beat_statement():
    table = ReadingSession.__table__
    # Compare-and-set: the session is still open and no other beat was accepted since it was read
    # (every accepted beat raises last_seq).
    return (update(table).where(table.c.id == bindparam("row_id"), table.c.last_seq == bindparam("seen_seq"),
                                table.c.closed_at.is_(None))
            .values(last_beat_at=bindparam("now"), last_seq=bindparam("seq"), beats=table.c.beats + 1,
                    active_seconds=table.c.active_seconds + bindparam("credited")))


@dataclass(frozen=True, slots=True)
class Beat:
    """An accepted beat as its compare-and-set writes it on the session: the session and the
    `last_seq` it was read with, the beat's time and number, and the seconds it credits."""

    session_id: int
    seen_seq: int
    now: datetime
    seq: int
    credited: int

    def params(self) -> dict:
        return {"row_id": self.session_id, "seen_seq": self.seen_seq, "now": self.now, "seq": self.seq,
                "credited": self.credited}


# The session's columns that a beat writes.
_BEAT_COLUMNS = ["last_beat_at", "last_seq", "beats", "active_seconds"]


def record_beat(beat: Beat) -> bool:
    """The accepted beat: its time and number, one more beat and the credited seconds; False (and
    nothing written) when the session was closed or took another beat since it was read with
    `beat.seen_seq`."""
    if db.session.execute(_record_beat_statement(), beat.params()).rowcount != 1:
        return False
    _expire_loaded(ReadingSession, beat.session_id, _BEAT_COLUMNS)
    return True


@cache
def _record_beat_and_progress_statement():
    """PostgreSQL: `record_beat`'s compare-and-set and the progress UPDATE in one statement (a
    data-modifying WITH): the progress row is written only when the session's row was, so the
    UPDATE's row count tells both. Its SET clause follows the parameters' keys, as `_update_row`'s
    (so does the CTE's: the one progress column that a session also has, active_seconds, is set
    there explicitly, which wins)."""
    sessions, progress = ReadingSession.__table__, ReadingProgress.__table__
    beat = _record_beat_statement().returning(sessions.c.id).cte("beat")
    return (update(progress).add_cte(beat)
            .where(progress.c.id == bindparam("progress_id"), select(beat.c.id).exists()))


@cache
def _record_beat_and_new_progress_statement():
    """PostgreSQL: `record_beat`'s compare-and-set and the INSERT of a progress row the person did
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


def record_beat_and_progress(beat: Beat, progress: ProgressRow) -> bool:
    """`record_beat`, then `progress.save()` when it succeeded: on PostgreSQL in one statement
    (one round trip fewer on every beat, and no transaction block around two), also when the
    progress row is new (the first beat of a material in a year); on SQLite, where a WITH cannot
    write, in two. False, with nothing written, when either write finds the state it was read
    with changed."""
    changed = progress.values() if progress.is_new else progress.changes()
    if not is_postgres() or not changed:
        transaction_needed()  # two writes
        return record_beat(beat) and progress.save()
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
        _expire_loaded(ReadingProgress, progress.id, list(changed))
        progress.saved(changed)
    _expire_loaded(ReadingSession, beat.session_id, _BEAT_COLUMNS)
    return True


def close_session_row(session_id: int, now, reason: str) -> None:
    _update_row(ReadingSession, session_id, {"closed_at": now, "close_reason": reason})


@cache
def _beat_statement(checking_sign_in: bool):
    """`checking_sign_in`: of the person the session cookie claims (the session must be theirs),
    with the columns that tell whether the claim holds (accounts.sessions.sign_in_columns)."""
    # Table columns, not mapped attributes: the ORM's result handling would cost as much as the query.
    sessions, materials, progress = ReadingSession.__table__.c, Material.__table__.c, ReadingProgress.__table__.c
    same = and_(progress.user_id == sessions.user_id, progress.material_id == sessions.material_id,
                progress.year == bindparam("year"))
    stmt = (select(sessions.user_id, sessions.last_beat_at, sessions.last_seq, sessions.closed_at,
                   sessions.close_reason, materials.id.label("material_id"), materials.title, materials.kind,
                   materials.estimated_minutes, materials.status,
                   online_credit_column(sessions.user_id).label("online_today"),
                   progress.id.label("progress_id"), *(progress[name] for name in PROGRESS_VALUES))
            .join_from(ReadingSession.__table__, Material.__table__, materials.id == sessions.material_id)
            .outerjoin(ReadingProgress.__table__, same)
            .where(sessions.id == bindparam("session_id")))
    if checking_sign_in:
        users = User.__table__
        stmt = (stmt.join(users, users.c.id == sessions.user_id).add_columns(*person_sessions.sign_in_columns(users))
                .where(sessions.user_id == bindparam("claimed_user_id")))
    return stmt


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


def beat_row(session_id: int, today: date, claim: person_sessions.Claim | None = None) -> BeatRow | None:
    """The session with its material, its progress of today's year and the person's online credit
    of `today` (a local day): one statement, no locks. With the session cookie's `claim`: None also
    when the session is not the claimant's or the claim does not hold (accounts.sessions)."""
    params = {"session_id": session_id, "year": today.year, "online_year": today.year, "online_day": today}
    if claim is not None:
        params.update(person_sessions.sign_in_params(claim))
    row: Row | None = db.session.execute(_beat_statement(claim is not None), params).first()
    if row is None or (claim is not None and not person_sessions.accept_sign_in(row, params)):
        return None
    material = TimedMaterial(row.material_id, row.title, row.kind, row.estimated_minutes, row.status)
    progress = None if row.progress_id is None else ProgressRow(row.progress_id, row)
    return BeatRow(row.user_id, row.last_beat_at, row.last_seq, row.closed_at, row.close_reason, material, progress,
                   int(row.online_today or 0))


@cache
def _progress_statement(postgres: bool):
    progress = ReadingProgress.__table__.c
    stmt = (select(progress.id, *(progress[name] for name in PROGRESS_VALUES))
            .where(progress.user_id == bindparam("user_id"), progress.material_id == bindparam("material_id"),
                   progress.year == bindparam("year")))
    return stmt.with_for_update() if postgres else stmt


# A new progress row starts at zero in every counter (first_read_at and the like stay empty).
_NEW_PROGRESS = SimpleNamespace(**{name: (None if name.endswith("_at") else 0) for name in PROGRESS_VALUES})


@cache
def _create_progress_statement(postgres: bool):
    # The inserted columns follow the parameters' keys: the key alone (a row all zero) or with values.
    table = ReadingProgress.__table__
    insert_ = postgresql_insert if postgres else sqlite_insert
    return (insert_(table).on_conflict_do_nothing(index_elements=["user_id", "material_id", "year"])
            .returning(table.c.id))


def create_progress(user_id: int, material_id: int, year: int) -> ProgressRow:
    """The person's progress row of the material and year, created all zero unless another
    request of the same person created it a moment ago (then that one, read and locked).
    One INSERT … ON CONFLICT DO NOTHING, not a savepoint around an ORM insert."""
    params = {"user_id": user_id, "material_id": material_id, "year": year}
    new_id = db.session.execute(_create_progress_statement(is_postgres()), params).scalar()
    if new_id is None:
        return find_progress(user_id, material_id, year)
    return ProgressRow(new_id, _NEW_PROGRESS)


def find_progress(user_id: int, material_id: int, year: int) -> ProgressRow | None:
    """The person's progress of the material in the year (locked on PostgreSQL), or None."""
    row = db.session.execute(_progress_statement(is_postgres()),
                             {"user_id": user_id, "material_id": material_id, "year": year}).first()
    return None if row is None else ProgressRow(row.id, row)
