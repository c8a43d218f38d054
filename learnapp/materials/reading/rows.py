"""A person's reading progress as a plain row while the heartbeat credits it, and the statements
that read, create and update such rows (built once: see store.py). Written only through a beat's
`store.BeatWriter`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from learnapp.db import db, is_postgres
from learnapp.materials.models import MaterialKind, MaterialStatus, ReadingProgress
from learnapp.materials.reading.arithmetic import Counted


@dataclass(frozen=True, slots=True)
class TimedMaterial:
    """What crediting needs of a material (no text, no relationships); a Material works in its place."""

    id: int
    title: str
    kind: MaterialKind
    estimated_minutes: int
    status: MaterialStatus
    media_seconds: int | None = None  # video and audio: the played file's duration

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

    def counted(self) -> Counted:
        """What the crediting arithmetic needs of the row."""
        return Counted(self.counted_seconds, self.granted_hundredths, self.granted_seconds, self.completed_at is not None)

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
            update_row(ReadingProgress, self.id, changed)
            self.saved(changed)
        return True


def update_row(model, row_id: int, values: dict) -> None:
    """UPDATE the row's columns to `values` (by column key)."""
    # The SET clause follows the keys of the parameters, so one statement serves every set of columns.
    db.session.execute(_update_by_id(model), {"row_id": row_id, **values})
    expire_loaded(model, row_id, list(values))


def expire_loaded(model, row_id: int, names: list[str]) -> None:
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
