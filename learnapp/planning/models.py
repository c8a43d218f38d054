"""The annual development plan of a branch: every change is a new version, the old ones are kept."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.accounts.models import User
from learnapp.db import UTCDateTime, db, utcnow
from learnapp.org.models import Branch


class PlanStatus(enum.StrEnum):
    proposed = "proposed"  # proposed by the branch, waiting for the committee
    approved = "approved"  # set or approved by the committee: the plan in force

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {PlanStatus.proposed: _l("Proposed"), PlanStatus.approved: _l("Approved")}


class DevelopmentPlan(db.Model):
    """One version of a branch's plan for a year: how many to admit as probationary members and
    the composition targets (category code -> number of people)."""

    __tablename__ = "development_plans"
    __table_args__ = (UniqueConstraint("branch_id", "year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[PlanStatus] = mapped_column(Enum(PlanStatus, native_enum=False, length=16, validate_strings=True),
                                               nullable=False)
    planned: Mapped[int] = mapped_column(Integer, nullable=False)
    targets: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the committee changed or approved it (kept with the version).
    decision_note: Mapped[str | None] = mapped_column(String(500))

    branch: Mapped[Branch] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def facts(self) -> dict:
        """What the audit log keeps of a version."""
        return {"year": self.year, "version": self.version, "status": self.status.value, "planned": self.planned,
                "targets": dict(self.targets or {}), "note": self.note}

    def __repr__(self) -> str:
        return f"<DevelopmentPlan b{self.branch_id} {self.year} v{self.version} {self.status}>"
