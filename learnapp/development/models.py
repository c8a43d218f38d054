"""A person's development file (发展档案): the dated steps of the procedure, their attachments, and
the versions of the procedure's rules."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from learnapp.accounts.models import User
from learnapp.db import UTCDateTime, db, utcnow


class StepStatus(enum.StrEnum):
    recorded = "recorded"    # a step the branch (or person, contact) takes itself: done when recorded
    submitted = "submitted"  # a committee-decided step the branch has submitted: waits for the committee
    accepted = "accepted"    # the committee accepted it: done
    returned = "returned"    # the committee returned it with a reason: not done; the branch may submit again

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def counts(self) -> bool:
        """Whether a step in this status is done (it moves the procedure on)."""
        return self in (StepStatus.recorded, StepStatus.accepted)


STATUS_LABELS = {
    StepStatus.recorded: _l("Recorded"),
    StepStatus.submitted: _l("Submitted to the committee"),
    StepStatus.accepted: _l("Accepted by the committee"),
    StepStatus.returned: _l("Returned by the committee"),
}
SOURCES = ("site", "register", "migration")


def _enum(cls, length: int = 16):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class DevelopmentStep(db.Model):
    """One step of a person's development, dated as it happened, with who recorded and who decided it."""

    __tablename__ = "development_steps"
    __table_args__ = (
        Index("ix_development_steps_user_code", "user_id", "code"),
        Index("ix_development_steps_status", "status"),
        # The day each person reached a stage (queries.entered_since), read from the index alone.
        Index("ix_development_steps_code_user_done", "code", "user_id", "done_on", "status"),
        # A year's steps of some kinds (planning.actuals, the year-end figures), from the index alone.
        Index("ix_development_steps_code_done", "code", "done_on", "status", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    done_on: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    # Facts of the step: recommendation method, votes, review conclusion, introducers, months …
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    status: Mapped[StepStatus] = mapped_column(_enum(StepStatus), nullable=False, default=StepStatus.recorded)
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="site")
    # Set when a committee admin recorded (or accepted) the step although requirements were unmet.
    exception_reason: Mapped[str | None] = mapped_column(Text)
    # The requirements that were unmet when the exception was made, as the messages shown then.
    exception_unmet: Mapped[list | None] = mapped_column(JSON)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    # The version of the development rules the step was checked against (None: history, not checked).
    rules_version: Mapped[int | None] = mapped_column(Integer)

    user: Mapped[User] = relationship(
        foreign_keys=[user_id],
        backref=backref("development_steps", order_by="(DevelopmentStep.done_on, DevelopmentStep.id)",
                        foreign_keys="DevelopmentStep.user_id", viewonly=True),
    )
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    attachments: Mapped[list[StepAttachment]] = relationship(back_populates="step", order_by="StepAttachment.id")

    @property
    def done(self) -> bool:
        return self.status.counts

    def __repr__(self) -> str:
        return f"<DevelopmentStep {self.id} u{self.user_id} {self.code} {self.done_on} {self.status}>"


class StepAttachment(db.Model):
    """A PDF or image attached to a step, checked by its content, stored under UPLOAD_FOLDER/evidence/."""

    __tablename__ = "development_step_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("development_steps.id"), nullable=False, index=True)
    stored_name: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    original_name: Mapped[str] = mapped_column(String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    step: Mapped[DevelopmentStep] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class DevelopmentRuleSet(db.Model):
    """One version of the development rules, kept as the YAML text it was loaded from."""

    __tablename__ = "development_rule_sets"
    __table_args__ = (UniqueConstraint("version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    source_text: Mapped[str] = mapped_column(Text, nullable=False)
    source_name: Mapped[str] = mapped_column(String(255), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    created_by: Mapped[User | None] = relationship()


class DevelopmentFinding(db.Model):
    """A finding of a person's development file as last computed (stored.py), kept so that the
    compliance report reads them instead of checking every file again. Recomputed in the
    transaction that changes the file (or what it is checked against); `due`: a time limit, a
    finding only once today is past `on`. The message is kept in each language of the site."""

    __tablename__ = "development_findings"
    __table_args__ = (Index("ix_development_findings_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    code: Mapped[str | None] = mapped_column(String(40))
    step_id: Mapped[int | None] = mapped_column(Integer)
    on: Mapped[date | None] = mapped_column(Date)
    due: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    messages: Mapped[dict] = mapped_column(JSON, nullable=False)  # locale -> message


class DevelopmentFindingsState(db.Model):
    """One row once the stored findings are complete: the rules they were computed with (their
    digest). No row, or another digest: the readers check every file themselves (stored.current)."""

    __tablename__ = "development_findings_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    rules_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
