"""Records the reports domain keeps: issued study certificates (学时证明) and reminders sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.accounts.models import User
from learnapp.db import UTCDateTime, db, utcnow


class StudyCertificate(db.Model):
    """A printed annual study record: a frozen snapshot of the year's ledger and a verification code.

    `snapshot` is the canonical JSON of what was printed; `snapshot_sha256` its digest; `signature`
    an HMAC (SECRET_KEY) over code, person, year and digest. Changing the stored snapshot without
    the key breaks the signature; a later change of the ledger shows as "changed since issue".
    """

    __tablename__ = "study_certificates"
    __table_args__ = (Index("ix_study_certificates_user_year", "user_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    snapshot: Mapped[str] = mapped_column(Text, nullable=False)
    snapshot_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    signature: Mapped[str] = mapped_column(String(64), nullable=False)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])


class ReminderSent(db.Model):
    """One reminder e-mail to a person behind pace (so nobody is reminded twice in a few days)."""

    __tablename__ = "reminders_sent"
    __table_args__ = (Index("ix_reminders_sent_user_year", "user_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
