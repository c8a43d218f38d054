"""One notice to one person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from learnapp.db import UTCDateTime, db, utcnow


class Notice(db.Model):
    """`kind` names the text and the link (notices.kinds); `params` fills them in when shown, so a
    notice reads in whatever language its reader uses. `dedupe_key`: a reminder that must reach a
    person once (a quiz's due date) is not repeated."""

    __tablename__ = "notices"
    __table_args__ = (
        # The bell counts a person's unread notices on every page.
        Index("ix_notices_user_read", "user_id", "read_at"),
        Index("ix_notices_user_created", "user_id", "created_at"),
        UniqueConstraint("user_id", "dedupe_key", name="uq_notices_user_dedupe"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    params: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    emailed: Mapped[bool] = mapped_column(nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
