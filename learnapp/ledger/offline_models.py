"""Offline study: activities organised by a branch with their attendance, and learners' claims."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.accounts.models import User
from learnapp.db import UTCDateTime, db, utcnow
from learnapp.ledger.models import Category
from learnapp.ledger.schedule import Schedule
from learnapp.org.models import Branch


def _enum(cls, length: int = 32):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class ScheduledMixin:
    """Local dates and daily local times: from start_date to end_date, each day start_time–end_time."""

    start_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    start_time: Mapped[time] = mapped_column(Time, nullable=False)
    end_time: Mapped[time] = mapped_column(Time, nullable=False)

    @property
    def schedule(self) -> Schedule:
        return Schedule(self.start_date, self.end_date, self.start_time, self.end_time)


activity_audience = Table(
    "activity_audience_branches",
    db.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("branch_id", ForeignKey("branches.id"), primary_key=True),
)


class Activity(ScheduledMixin, db.Model):
    """A lecture, training class, themed Party day … organised by a branch for an audience."""

    __tablename__ = "activities"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    category: Mapped[Category] = mapped_column(_enum(Category), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    place: Mapped[str | None] = mapped_column(String(200))
    organiser: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    # Comma-separated Stage values; empty means every stage.
    audience_stages: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    checkin_code: Mapped[str | None] = mapped_column(String(12), index=True)
    # Wrong codes typed by people this activity's code could have let in, since the code was last
    # made; at CHECKIN_ACTIVITY_MAX_FAILURES the code is locked until an admin makes a new one.
    checkin_failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    checkin_locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    branch: Mapped[Branch] = relationship()
    audience_branches: Mapped[list[Branch]] = relationship(secondary=activity_audience, order_by="Branch.path")
    attendances: Mapped[list[Attendance]] = relationship(back_populates="activity")
    created_by: Mapped[User | None] = relationship()

    @property
    def stages(self) -> list[str]:
        return [s for s in (self.audience_stages or "").split(",") if s]


class AttendanceMethod(enum.StrEnum):
    roster = "roster"
    sheet = "sheet"
    checkin = "checkin"

    @property
    def label(self) -> str:
        return str({"roster": _l("Roster"), "sheet": _l("Sign-in sheet"), "checkin": _l("Check-in code")}[self.value])


class Attendance(db.Model):
    """Whether a person attended; credit follows it, corrections reverse the credit."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("activity_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    present: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    method: Mapped[AttendanceMethod] = mapped_column(_enum(AttendanceMethod, 12), nullable=False)
    # Bumped each time a person is marked present again after a correction: names the new grant.
    generation: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    activity: Mapped[Activity] = relationship(back_populates="attendances")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class CheckinFailure(db.Model):
    """A wrong check-in code (or a forged check-in link) from a person: counted per person over a
    window, so one person's guessing is slowed down whichever activity it aims at."""

    __tablename__ = "checkin_failures"
    __table_args__ = (Index("ix_checkin_failures_user_id_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ClaimStatus(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"

    @property
    def label(self) -> str:
        return str(CLAIM_STATUS_LABELS[self])


CLAIM_STATUS_LABELS = {
    ClaimStatus.pending: _l("Pending"),
    ClaimStatus.approved: _l("Approved"),
    ClaimStatus.rejected: _l("Rejected"),
    ClaimStatus.withdrawn: _l("Withdrawn"),
}


class Claim(ScheduledMixin, db.Model):
    """Offline study a learner did elsewhere; credits only once a branch admin approves it."""

    __tablename__ = "claims"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    category: Mapped[Category] = mapped_column(_enum(Category), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    place: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[ClaimStatus] = mapped_column(_enum(ClaimStatus, 12), nullable=False, default=ClaimStatus.pending,
                                                index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # What the approval credited, in hundredths (the ledger holds the entries themselves).
    credited_hundredths: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    evidence: Mapped[list[Evidence]] = relationship(back_populates="claim", order_by="Evidence.id")
    events: Mapped[list[ClaimEvent]] = relationship(back_populates="claim", order_by="ClaimEvent.id")


class ClaimEvent(db.Model):
    """The claim's own history (submitted, withdrawn, approved …), readable by the learner."""

    __tablename__ = "claim_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Evidence(db.Model):
    """A photo or PDF attached to a claim, stored under UPLOAD_FOLDER/evidence/."""

    __tablename__ = "claim_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), nullable=False, index=True)
    stored_name: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    original_name: Mapped[str] = mapped_column(String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="evidence")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
