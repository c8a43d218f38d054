"""People and their accounts, stage history, role grants and training-contact assignments."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, Date, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.db import CreatedAtMixin, UTCDateTime, db, utcnow
from learnapp.org.models import Branch


class Stage(enum.StrEnum):
    applicant = "applicant"
    activist = "activist"
    development_target = "development_target"
    probationary_member = "probationary_member"
    full_member = "full_member"

    @property
    def label(self) -> str:
        return str(STAGE_LABELS[self])

    @property
    def rank(self) -> int:
        return list(Stage).index(self)


STAGE_LABELS = {
    Stage.applicant: _l("Applicant"),
    Stage.activist: _l("Activist"),
    Stage.development_target: _l("Development target"),
    Stage.probationary_member: _l("Probationary member"),
    Stage.full_member: _l("Full member"),
}

# The Chinese names used in roster files and the UI (also accepted on import).
STAGE_CHINESE = {
    Stage.applicant: "入党申请人",
    Stage.activist: "入党积极分子",
    Stage.development_target: "发展对象",
    Stage.probationary_member: "预备党员",
    Stage.full_member: "正式党员",
}


class Role(enum.StrEnum):
    committee_admin = "committee_admin"
    branch_admin = "branch_admin"
    auditor = "auditor"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.committee_admin: _l("Committee admin"),
    Role.branch_admin: _l("Branch admin"),
    Role.auditor: _l("Auditor"),
}


def _new_epoch() -> str:
    return secrets.token_hex(8)


class User(UserMixin, CreatedAtMixin, db.Model):
    __tablename__ = "users"
    # The people of a subtree as reports count them (active, by stage), read from the index alone:
    # without it SQLite reads every person's row to count a committee of 20,000.
    __table_args__ = (Index("ix_users_branch_active_stage", "branch_id", "active", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login_id: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False)
    stage: Mapped[Stage] = mapped_column(
        Enum(Stage, native_enum=False, length=24, validate_strings=True), nullable=False, default=Stage.applicant
    )
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Set while the password is a temporary one (accounts/passwords.py): it stops working then.
    password_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Changing the epoch ends every session of this person (logout, password change, deactivation).
    session_epoch: Mapped[str] = mapped_column(String(32), nullable=False, default=_new_epoch)
    locale: Mapped[str | None] = mapped_column(String(10))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Facts of the register (名册) and the structure report; vocabularies in person_fields.py.
    gender: Mapped[str | None] = mapped_column(String(2))
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    birth_date: Mapped[date | None] = mapped_column(Date)
    # "month" when only the year and month are known (出生年月): birth_date is then the 1st.
    birth_date_precision: Mapped[str | None] = mapped_column(String(5))
    education: Mapped[str | None] = mapped_column(String(20))
    job_category: Mapped[str | None] = mapped_column(String(20))
    department: Mapped[str | None] = mapped_column(String(120))

    branch: Mapped[Branch] = relationship()
    grants: Mapped[list[RoleGrant]] = relationship(back_populates="user", cascade="all, delete-orphan")
    stage_changes: Mapped[list[StageChange]] = relationship(
        back_populates="user", order_by="StageChange.effective_on, StageChange.id", foreign_keys="StageChange.user_id"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def renew_epoch(self) -> None:
        self.session_epoch = _new_epoch()

    def __repr__(self) -> str:
        return f"<User {self.login_id}>"


class StageChange(db.Model):
    """One step in a person's path (applicant → … → full member), with the date it took effect."""

    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    stage: Mapped[Stage] = mapped_column(Enum(Stage, native_enum=False, length=24, validate_strings=True), nullable=False)
    effective_on: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(back_populates="stage_changes", foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class RoleGrant(CreatedAtMixin, db.Model):
    """A role held on a branch; it applies to the branch's whole subtree."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "branch_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=24, validate_strings=True), nullable=False)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False)

    user: Mapped[User] = relationship(back_populates="grants")
    branch: Mapped[Branch] = relationship()


class ContactAssignment(CreatedAtMixin, db.Model):
    """A training contact (培养联系人) assigned to a learner."""

    __tablename__ = "contact_assignments"
    __table_args__ = (UniqueConstraint("contact_id", "learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    contact: Mapped[User] = relationship(foreign_keys=[contact_id])
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
