"""Writing and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select, text

from learnapp.audit.models import AuditEntry
from learnapp.db import db, is_postgres, utcnow

GENESIS = "0" * 64
# Any constant works; it names the lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 7_150_101


def _plain(value: Any) -> Any:
    """JSON-safe form of values found in before/after details."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def _digest(entry: AuditEntry) -> str:
    body = {
        "seq": entry.seq,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "branch_path": entry.branch_path,
        "summary": entry.summary,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _target_parts(target: Any) -> tuple[str, str | None]:
    if target is None:
        return "system", None
    if isinstance(target, tuple):
        return str(target[0]), None if target[1] is None else str(target[1])
    if hasattr(target, "_get_current_object"):  # a LocalProxy such as current_user
        target = target._get_current_object()
    return type(target).__tablename__, str(getattr(target, "id", None))


def record(actor, action: str, target: Any = None, *, branch=None, summary: str = "", **details: Any) -> AuditEntry:
    """Append an audit entry in the current transaction.

    `target` is a model instance or a (type, id) pair; `branch` scopes who may read the entry;
    `details` usually holds `before` and `after` dicts.
    """
    if is_postgres():
        # Serialise appends so two transactions never chain onto the same previous entry.
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_KEY})
    db.session.flush()
    last = db.session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    target_type, target_id = _target_parts(target)
    entry = AuditEntry(
        seq=(last.seq + 1) if last else 1,
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "name", None) or "system",
        action=action,
        target_type=target_type,
        target_id=target_id,
        branch_path=getattr(branch, "path", None),
        summary=summary,
        details=_plain(details),
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = _digest(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain() -> ChainReport:
    """Walk the chain in order; report the first entry whose hash or link does not hold."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(1000):
        if entry.seq != expected_seq:
            return ChainReport(checked, entry.seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return ChainReport(checked, entry.seq, "link to the previous entry does not match")
        if _digest(entry) != entry.hash:
            return ChainReport(checked, entry.seq, "content was altered")
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    return ChainReport(checked)
