"""Writing the audit chain: each entry linked to the one before by a keyed hash (HMAC-SHA256)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select, text

from learnapp.actors import require_actor
from learnapp.audit import keys
from learnapp.audit.models import AuditEntry
from learnapp.db import db, holds_write_lock, is_postgres, separate_write_session, utcnow
from learnapp.db.requests import may_write
from learnapp.request_ids import request_id

GENESIS = "0" * 64
KEYED, UNKEYED = "hmac", "sha256"
CHAIN_KEYED_ACTION = "audit.chain_keyed"
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


def canonical(entry: AuditEntry) -> str:
    """The entry's content (and its link to the previous entry) as one fixed text."""
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
    if entry.request_id is not None:
        # Only when set: entries written before the column existed keep their hashes.
        body["request_id"] = entry.request_id
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def unkeyed_digest(entry: AuditEntry) -> str:
    """How entries were hashed before the chain was keyed: anyone could recompute it."""
    return hashlib.sha256(canonical(entry).encode("utf-8")).hexdigest()


def keyed_digest(entry: AuditEntry) -> str:
    """HMAC-SHA256 under the audit key (audit/keys.py): recomputing it needs the key."""
    return keys.mac("learnapp-audit-entry", canonical(entry))


# Kept for callers of the old name (tests that tamper with a row and re-hash it).
_digest = unkeyed_digest


def _target_parts(target: Any) -> tuple[str, str | None]:
    if target is None:
        return "system", None
    if isinstance(target, tuple):
        return str(target[0]), None if target[1] is None else str(target[1])
    if hasattr(target, "_get_current_object"):  # a LocalProxy such as current_user
        target = target._get_current_object()
    return type(target).__tablename__, str(getattr(target, "id", None))


def lock_chain(session=None) -> None:
    """Serialise writers of the chain (appends, checkpoints) on PostgreSQL, so two transactions
    never chain onto the same previous entry; SQLite has one writer at a time anyway."""
    if is_postgres():
        session = session or db.session()
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_KEY})
        session.info["learnapp_chain_locked_in"] = session.get_transaction()


def _holds_chain_lock(session) -> bool:
    """This session's transaction holds the chain lock (PostgreSQL: released only at its end)."""
    locked_in = session.info.get("learnapp_chain_locked_in")
    return locked_in is not None and locked_in is session.get_transaction()


def _append(session, actor, action: str, target: Any, *, branch, summary: str, details: dict, last) -> AuditEntry:
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
        scheme=KEYED,
        request_id=request_id(),
    )
    entry.hash = keyed_digest(entry)
    session.add(entry)
    session.flush()
    return entry


def _record_in(session, actor, action: str, target: Any, *, branch, summary: str, details: dict) -> AuditEntry:
    lock_chain(session)
    session.flush()
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash, AuditEntry.scheme)
                           .order_by(AuditEntry.seq.desc()).limit(1)).first()
    if last is not None and last.scheme != KEYED:
        # The first entry after an upgrade from the unkeyed chain: a keyed entry says where the
        # unkeyed entries end and what their head was, so none can be added or rewritten later.
        last = _append(session, None, CHAIN_KEYED_ACTION, ("audit_entries", None), branch=None,
                       summary=f"audit chain keyed after {last.seq} unkeyed entries",
                       details={"unkeyed_entries": last.seq, "unkeyed_head": last.hash}, last=last)
    return _append(session, actor, action, target, branch=branch, summary=summary, details=details, last=last)


def record(actor, action: str, target: Any = None, *, branch=None, summary: str = "", **details: Any) -> AuditEntry:
    """Append an audit entry in the current transaction.

    `target` is a model instance or a (type, id) pair; `branch` scopes who may read the entry;
    `details` usually holds `before` and `after` dicts. `actor` is a person or security.SYSTEM
    (recorded as "system"); None is refused.
    """
    require_actor(actor)
    return _record_in(db.session(), actor, action, target, branch=branch, summary=summary, details=details)


def record_read(actor, action: str, target: Any = None, *, branch=None, summary: str = "", **details: Any) -> None:
    """Log that `actor` was shown a confidential record (evidence file, political review …).

    Call it where the record is read, before it is returned. In a request that may write (POST, a
    GET declared `writes`, learnapp/db/requests.py) or a CLI command the entry joins the current
    transaction like `record()`. In a read-only request, which must not write in its own
    transaction (on SQLite it holds no write lock), the entry is written and committed at once in
    a transaction of its own: the read is logged whatever the page does afterwards. Example: `audit.record_read(current_user, "political_review.read", review,
    branch=person.branch, summary=person.name)`.
    """
    require_actor(actor)
    session = db.session()
    if may_write() or _holds_chain_lock(session) or holds_write_lock(session):
        # A transaction that may write anyway (or, in tests, one that holds the lock the separate
        # transaction would wait for): the entry goes with it.
        record(actor, action, target, branch=branch, summary=summary, **details)
        return
    with separate_write_session() as session:
        _record_in(session, actor, action, target, branch=branch, summary=summary, details=details)
        session.commit()
