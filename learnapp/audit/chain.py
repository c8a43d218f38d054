"""Checking the audit chain, and signed checkpoints of it.

The chain alone finds an entry that was altered or removed in the middle. What it cannot find by
itself is an edit recomputed from that entry to the end, or the newest entries deleted: the
entries' hashes are keyed (HMAC, audit/keys.py), so the first needs the key, and the checkpoints
find the second. A checkpoint is the chain's length and head hash at a moment, signed with the
key; `verify_chain` checks every checkpoint in the table and any copies given to it (a file kept
off the server, `export_checkpoint`), so deleting entries and the table's checkpoints as well is
still found by the copy.

Entries written before the chain was keyed (scheme "sha256") are verified by their plain hash up
to the keyed entry "audit.chain_keyed" that closes them; they are not re-hashed (their hashes may
have been noted elsewhere), and none can be added after it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from learnapp import clock
from learnapp.audit import keys
from learnapp.audit.models import AuditCheckpoint, AuditEntry
from learnapp.audit.services import (
    CHAIN_KEYED_ACTION,
    GENESIS,
    KEYED,
    UNKEYED,
    keyed_digest,
    lock_chain,
    record,
    unkeyed_digest,
)
from learnapp.db import db

FILE_KIND = "learnapp-audit-checkpoint"
FILE_VERSION = 1


@dataclass
class Checkpoint:
    """A checkpoint's signed facts, from the table or from an exported file."""

    entries: int
    head_hash: str
    unkeyed_entries: int
    at: str  # ISO 8601, UTC
    reason: str
    key_id: str
    signature: str
    source: str = "database"

    def signed_text(self) -> str:
        return f"v1|{self.entries}|{self.head_hash}|{self.unkeyed_entries}|{self.at}|{self.reason}"

    def as_json(self) -> dict:
        return {"kind": FILE_KIND, "version": FILE_VERSION, "entries": self.entries, "head_hash": self.head_hash,
                "unkeyed_entries": self.unkeyed_entries, "at": self.at, "reason": self.reason,
                "key_id": self.key_id, "signature": self.signature}


def _sign(checkpoint: Checkpoint) -> str:
    return keys.mac("learnapp-audit-checkpoint", checkpoint.signed_text())


def _of_row(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(row.entries, row.head_hash, row.unkeyed_entries, row.at.isoformat(timespec="microseconds"),
                      row.reason, row.key_id, row.signature, source=f"database #{row.id}")


def write_checkpoint(actor, reason: str = "manual") -> Checkpoint:
    """Sign the chain's length and head as they are now (in the current transaction), then note it
    in the chain itself. Written by `flask audit checkpoint` (daily from cron) and at year close."""
    lock_chain()
    db.session.flush()
    last = db.session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    unkeyed = db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.scheme == UNKEYED)) or 0
    at = clock.now()
    checkpoint = Checkpoint(last.seq if last else 0, last.hash if last else GENESIS, unkeyed,
                            at.isoformat(timespec="microseconds"), reason[:40], keys.key_id(), "")
    checkpoint.signature = _sign(checkpoint)
    row = AuditCheckpoint(at=at, entries=checkpoint.entries, head_hash=checkpoint.head_hash,
                          unkeyed_entries=unkeyed, reason=checkpoint.reason, key_id=checkpoint.key_id,
                          signature=checkpoint.signature)
    db.session.add(row)
    db.session.flush()
    checkpoint.source = f"database #{row.id}"
    record(actor, "audit.checkpoint", row, summary=f"{checkpoint.entries} entries ({reason})",
           after={"entries": checkpoint.entries, "head_hash": checkpoint.head_hash})
    return checkpoint


def export_checkpoint(checkpoint: Checkpoint) -> str:
    """The checkpoint as a small signed JSON text, for the operator to keep off the server."""
    return json.dumps(checkpoint.as_json(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


class CheckpointFileError(ValueError):
    """The file is not an exported audit checkpoint."""


def load_checkpoint(text: str, source: str = "file") -> Checkpoint:
    """Read an exported checkpoint (its signature is checked by verify_chain, not here)."""
    try:
        data = json.loads(text)
        if data.get("kind") != FILE_KIND or data.get("version") != FILE_VERSION:
            raise CheckpointFileError("not a learnapp audit checkpoint")
        return Checkpoint(int(data["entries"]), str(data["head_hash"]), int(data["unkeyed_entries"]), str(data["at"]),
                          str(data["reason"]), str(data["key_id"]), str(data["signature"]), source=source)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointFileError(f"{source}: not a learnapp audit checkpoint ({exc})") from None


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    problem: str | None = None
    unkeyed: int = 0
    checkpoints: int = 0
    last_checkpoint_at: datetime | None = None
    key_derived: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_at is None and self.problem is None


def _walk(report: ChainReport, wanted: set[int]) -> dict[int, str]:
    """Check every entry in order; fills the report; returns the hashes at the seqs in `wanted`."""
    prev_hash, expected_seq, keyed_from = GENESIS, 1, None
    hashes = {0: GENESIS}
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(1000):
        problem = None
        if entry.seq != expected_seq:
            problem = f"entry {expected_seq} is missing"
        elif entry.prev_hash != prev_hash:
            problem = "link to the previous entry does not match"
        elif entry.scheme == UNKEYED:
            if keyed_from is not None:
                problem = "an unkeyed entry after the chain was keyed"
            elif unkeyed_digest(entry) != entry.hash:
                problem = "content was altered"
        elif entry.scheme != KEYED:
            problem = "unknown hash scheme"
        elif not keys.same(keyed_digest(entry), entry.hash):
            problem = "content was altered (or the audit key differs)"
        elif keyed_from is None:
            keyed_from = entry.seq
            if entry.seq > 1 and (entry.action != CHAIN_KEYED_ACTION
                                  or (entry.details or {}).get("unkeyed_entries") != entry.seq - 1):
                problem = "the unkeyed entries are not closed by the entry that keyed the chain"
        if problem:
            report.broken_at, report.problem = entry.seq, problem
            return hashes
        if entry.scheme == UNKEYED:
            report.unkeyed += 1
        if entry.seq in wanted:
            hashes[entry.seq] = entry.hash
        prev_hash = entry.hash
        expected_seq += 1
        report.checked += 1
    return hashes


def _check_checkpoint(report: ChainReport, checkpoint: Checkpoint, hashes: dict[int, str]) -> str | None:
    if checkpoint.key_id != keys.key_id():
        return f"checkpoint ({checkpoint.source}, {checkpoint.at}) was signed with another audit key"
    if not keys.same(_sign(checkpoint), checkpoint.signature):
        return f"checkpoint ({checkpoint.source}, {checkpoint.at}) is not genuine: its signature does not match"
    if checkpoint.entries > report.checked:
        return (f"entries were removed: the checkpoint of {checkpoint.at} ({checkpoint.source}) counted "
                f"{checkpoint.entries} entries, {report.checked} remain")
    if hashes.get(checkpoint.entries) != checkpoint.head_hash:
        return (f"entry {checkpoint.entries} is not the one the checkpoint of {checkpoint.at} ({checkpoint.source}) "
                "signed: the chain was rewritten")
    if checkpoint.unkeyed_entries != report.unkeyed:
        return f"the checkpoint of {checkpoint.at} ({checkpoint.source}) counted {checkpoint.unkeyed_entries} unkeyed entries, the chain has {report.unkeyed}"
    return None


def verify_chain(extra_checkpoints: list[Checkpoint] = ()) -> ChainReport:
    """Walk the chain in order, then hold it against every checkpoint (the table's and `extra_checkpoints`).
    The report names the first problem found."""
    rows = db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)).all()
    checkpoints = [_of_row(r) for r in rows] + list(extra_checkpoints)
    report = ChainReport(0, key_derived=keys.is_derived())
    hashes = _walk(report, {c.entries for c in checkpoints})
    if report.problem:
        return report
    for checkpoint in checkpoints:
        problem = _check_checkpoint(report, checkpoint, hashes)
        if problem:
            report.broken_at = min(checkpoint.entries, report.checked + 1)
            report.problem = problem
            return report
    report.checkpoints = len(checkpoints)
    report.last_checkpoint_at = rows[-1].at if rows else None
    if not checkpoints:
        report.warnings.append("no checkpoint yet: run `flask audit checkpoint` (daily, and keep a copy off the server)")
    if report.key_derived:
        report.warnings.append("the audit key is derived from SECRET_KEY: set AUDIT_HMAC_KEY")
    if report.unkeyed and report.unkeyed == report.checked:
        report.warnings.append("the chain is not keyed yet: it will be at its next entry")
    return report
