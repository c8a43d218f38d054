"""Manual assessments (考核) of a person for a period of a training year, by a contact or the branch."""

from __future__ import annotations

import calendar
import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.accounts.models import User
from learnapp.db import UTCDateTime, db, utcnow


class Period(enum.StrEnum):
    """Periods inside a training year: contacts assess quarterly, the branch half-yearly (and yearly)."""

    q1 = "q1"
    q2 = "q2"
    q3 = "q3"
    q4 = "q4"
    h1 = "h1"
    h2 = "h2"
    year = "year"

    @property
    def label(self) -> str:
        return str(PERIOD_LABELS[self])

    @property
    def months(self) -> tuple[int, int]:
        """First and last month of the period."""
        return PERIOD_MONTHS[self]

    def bounds(self, year: int) -> tuple[date, date]:
        """First and last local day of the period in `year`."""
        first, last = self.months
        return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])

    def has_ended(self, year: int, today: date) -> bool:
        return today > self.bounds(year)[1]

    @property
    def is_quarter(self) -> bool:
        return self in QUARTERS


PERIOD_LABELS = {
    Period.q1: _l("First quarter"),
    Period.q2: _l("Second quarter"),
    Period.q3: _l("Third quarter"),
    Period.q4: _l("Fourth quarter"),
    Period.h1: _l("First half-year"),
    Period.h2: _l("Second half-year"),
    Period.year: _l("Whole year"),
}
PERIOD_MONTHS = {
    Period.q1: (1, 3), Period.q2: (4, 6), Period.q3: (7, 9), Period.q4: (10, 12),
    Period.h1: (1, 6), Period.h2: (7, 12), Period.year: (1, 12),
}
QUARTERS = (Period.q1, Period.q2, Period.q3, Period.q4)
HALVES = (Period.h1, Period.h2)


class Grade(enum.StrEnum):
    excellent = "excellent"
    competent = "competent"
    basically_competent = "basically_competent"
    not_competent = "not_competent"

    @property
    def label(self) -> str:
        return str(GRADE_LABELS[self])

    @property
    def chinese(self) -> str:
        return GRADE_CHINESE[self]

    @property
    def tone(self) -> str:
        """CSS badge class: good grades green, a fail red."""
        return {"excellent": "ok", "competent": "ok", "basically_competent": "warn", "not_competent": "bad"}[self.value]


GRADE_LABELS = {
    Grade.excellent: _l("Excellent"),
    Grade.competent: _l("Competent"),
    Grade.basically_competent: _l("Basically competent"),
    Grade.not_competent: _l("Not competent"),
}
# The official names, used in exports and printed records whatever the UI language.
GRADE_CHINESE = {
    Grade.excellent: "优秀",
    Grade.competent: "合格",
    Grade.basically_competent: "基本合格",
    Grade.not_competent: "不合格",
}


class AssessorRole(enum.StrEnum):
    contact = "contact"  # the training contact (培养联系人)
    branch = "branch"  # the branch (支部), through one of its admins

    @property
    def label(self) -> str:
        return str({"contact": _l("Training contact"), "branch": _l("Branch")}[self.value])


def _enum(cls, length: int = 24):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class Assessment(db.Model):
    """One assessor's grade and comment on a person for one period; edits are audited with before/after."""

    __tablename__ = "assessments"
    __table_args__ = (
        # One assessment per assessor and period: a second one is an edit of the first.
        UniqueConstraint("user_id", "year", "period", "assessor_id"),
        Index("ix_assessments_user_year", "user_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    period: Mapped[Period] = mapped_column(_enum(Period, 8), nullable=False)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    assessor_role: Mapped[AssessorRole] = mapped_column(_enum(AssessorRole, 12), nullable=False)
    grade: Mapped[Grade] = mapped_column(_enum(Grade), nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The person's stage when assessed: a record keeps reading right after a promotion.
    stage_at: Mapped[str] = mapped_column(String(24), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    assessor: Mapped[User] = relationship(foreign_keys=[assessor_id])

    def snapshot(self) -> dict:
        """The audited fields, for before/after in the audit log."""
        return {"year": self.year, "period": self.period.value, "grade": self.grade.value,
                "comment": self.comment, "assessor_role": self.assessor_role.value}
