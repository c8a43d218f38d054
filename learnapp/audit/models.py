"""Audit entries: who did what to which record, with before/after, chained by a keyed hash
(HMAC-SHA256), and signed checkpoints of the chain's length and head."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.db import UTCDateTime, db, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Kept as text too, so the entry still reads right if the person is later renamed.
    actor_name: Mapped[str] = mapped_column(String(120), nullable=False, default="system")
    action: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    target_type: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    target_id: Mapped[str | None] = mapped_column(String(64))
    # The branch whose subtree the change belongs to: scopes who may read the entry.
    branch_path: Mapped[str | None] = mapped_column(String(400), index=True)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    # How `hash` was made: "hmac" (keyed, services.KEYED) or "sha256" for entries written before
    # the chain was keyed; those form a prefix of the chain, closed by an "audit.chain_keyed" entry.
    scheme: Mapped[str] = mapped_column(String(10), nullable=False, default="hmac", server_default="sha256")

    # The id of the web request that wrote the entry (the proxy's X-Request-ID, ops/logs.py), to
    # find its lines in the proxy's and the app's logs; None from the command line.
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)

    # The person by name only: the audit log is below the accounts domain, which writes to it.
    actor = relationship("User", viewonly=True)


class AuditCheckpoint(db.Model):
    """A signed note of the chain's length and head hash at a moment: rows deleted from the end
    after it, or a chain recomputed from some entry on, no longer match it. A copy kept off the
    server (`flask audit checkpoint --export`) holds even when this table is emptied too."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    entries: Mapped[int] = mapped_column(Integer, nullable=False)  # the head's seq (0: empty chain)
    head_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    # Entries of the chain from before it was keyed (verified by their plain SHA-256).
    unkeyed_entries: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reason: Mapped[str] = mapped_column(String(40), nullable=False, default="manual")
    # Names the key that signed it (not the key): a checkpoint of another key is told apart from a forged one.
    key_id: Mapped[str] = mapped_column(String(16), nullable=False)
    signature: Mapped[str] = mapped_column(String(64), nullable=False)
