"""The study-hour ledger: append-only credit entries, the training year's state, credit rule versions.

Offline activities and claims live in `offline_models.py`; both modules are imported by the
package's services so `db.create_all()` sees every table.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from learnapp.accounts.models import User
from learnapp.db import UTCDateTime, db, utcnow
from learnapp.ledger import year_totals


class Category(enum.StrEnum):
    online_reading = "online_reading"
    online_video = "online_video"
    test_passed = "test_passed"
    training_class = "training_class"
    lecture = "lecture"
    themed_party_day = "themed_party_day"
    red_education_visit = "red_education_visit"
    branch_study = "branch_study"
    self_study = "self_study"
    carry_over = "carry_over"
    adjustment = "adjustment"

    @property
    def label(self) -> str:
        return str(CATEGORY_LABELS[self])

    @property
    def is_online(self) -> bool:
        return self in ONLINE_CATEGORIES

    @property
    def is_offline(self) -> bool:
        return self in OFFLINE_CATEGORIES


CATEGORY_LABELS = {
    Category.online_reading: _l("Online reading"),
    Category.online_video: _l("Online video"),
    Category.test_passed: _l("Test passed"),
    Category.training_class: _l("Training class"),
    Category.lecture: _l("Lecture"),
    Category.themed_party_day: _l("Themed Party day"),
    Category.red_education_visit: _l("Red-education visit"),
    Category.branch_study: _l("Branch study"),
    Category.self_study: _l("Self-study"),
    Category.carry_over: _l("Carry-over"),
    Category.adjustment: _l("Adjustment"),
}
ONLINE_CATEGORIES = frozenset({Category.online_reading, Category.online_video, Category.test_passed})
# Offline study: what activities and claims may be about. Carry-over and adjustments are neither.
OFFLINE_CATEGORIES = (
    Category.training_class, Category.lecture, Category.themed_party_day, Category.red_education_visit,
    Category.branch_study, Category.self_study,
)

SOURCE_TYPES = ("material", "quiz", "activity", "claim", "adjustment", "carry_over", "reversal")
SOURCE_LABELS = {
    "material": _l("Reading material"),
    "quiz": _l("Knowledge test"),
    "activity": _l("Activity"),
    "claim": _l("Claim"),
    "adjustment": _l("Manual adjustment"),
    "carry_over": _l("Carry-over"),
    "reversal": _l("Correction"),
}


def _enum(cls, length: int = 32):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class LedgerEntry(db.Model):
    """One credit (or a correction of one) in a person's training year. Never updated or deleted."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("source_type IN ('material','quiz','activity','claim','adjustment','carry_over','reversal')",
                        name="source_type"),
        # One person's lines of a year in date order, covering the per-day sums: the progress
        # page's chart, the daily online cap and the list of years read only this index, and its
        # newest-first table reads just the rows it shows (no sort of the whole year).
        # It also covers the rare sums over everyone's entries (year close, `ledger verify-totals`)
        # in (person, year) order; reports read the stored totals (LedgerYearTotal) instead.
        Index("ix_ledger_entries_user_day", "user_id", "year", "occurred_on", "category", "credit_hundredths"),
        Index("ix_ledger_entries_source", "source_type", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    # The training year it counts in: the year of `occurred_on` (a local date, config TIMEZONE).
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    category: Mapped[Category] = mapped_column(_enum(Category), nullable=False)
    # Integer hundredths of a 学时 (1 学时 = 100). Negative for reversals and negative adjustments.
    credit_hundredths: Mapped[int] = mapped_column(Integer, nullable=False)
    # What was asked before a cap cut it down (None: no cap applied).
    requested_hundredths: Mapped[int | None] = mapped_column(Integer)
    minutes: Mapped[int | None] = mapped_column(Integer)
    source_type: Mapped[str] = mapped_column(String(20), nullable=False)
    source_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    # "Granted once" is guaranteed by the database: a second insert with the same key fails.
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    reverses: Mapped[LedgerEntry | None] = relationship(remote_side="LedgerEntry.id")

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS.get(self.source_type, self.source_type))

    def __repr__(self) -> str:
        return f"<LedgerEntry {self.id} u{self.user_id} {self.year} {self.category} {self.credit_hundredths}>"


class AppendOnlyViolation(RuntimeError):
    """Raised when code tries to change or delete a ledger entry."""


@event.listens_for(Session, "before_flush")
def _ledger_is_append_only(session, flush_context, instances) -> None:
    # Auditors must be able to trust that a granted line never changes; corrections are new rows.
    for obj in session.deleted:
        if isinstance(obj, LedgerEntry):
            raise AppendOnlyViolation("ledger entries are never deleted; add a reversing entry")
    for obj in session.dirty:
        if isinstance(obj, LedgerEntry) and session.is_modified(obj, include_collections=False):
            raise AppendOnlyViolation("ledger entries are never updated; add a reversing entry")


class LedgerYearTotal(db.Model):
    """A person's credit in a training year: the sums of their entries, kept by database triggers.

    Reports read these instead of summing a year's entries per person on every page. Never written
    by application code: the triggers on ledger_entries (see year_totals.py) maintain it in the
    inserting transaction, and `flask ledger verify-totals` compares it with the sums.
    """

    __tablename__ = "ledger_year_totals"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    total_hundredths: Mapped[int] = mapped_column(Integer, nullable=False)
    # Online: categories in ONLINE_CATEGORIES; offline: everything else (as ledger.queries sums them).
    online_hundredths: Mapped[int] = mapped_column(Integer, nullable=False)
    offline_hundredths: Mapped[int] = mapped_column(Integer, nullable=False)
    entries: Mapped[int] = mapped_column(Integer, nullable=False)  # number of lines, reversals included


ONLINE_VALUES = tuple(sorted(c.value for c in ONLINE_CATEGORIES))
year_totals.attach(LedgerEntry.__table__, ONLINE_VALUES)


class TrainingYear(db.Model):
    """A training year's state. No row means open; a closed year accepts no new entries."""

    __tablename__ = "training_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    closed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    # How many times the year was closed: names the carry-over run in its dedupe keys.
    close_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    reopened_by: Mapped[User | None] = relationship(foreign_keys=[reopened_by_id])


class CreditRuleSet(db.Model):
    """One version of a year's credit rules, kept as the YAML text it was loaded from."""

    __tablename__ = "credit_rule_sets"
    __table_args__ = (UniqueConstraint("year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    source_text: Mapped[str] = mapped_column(Text, nullable=False)
    source_name: Mapped[str] = mapped_column(String(255), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    created_by: Mapped[User | None] = relationship()
