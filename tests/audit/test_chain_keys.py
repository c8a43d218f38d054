"""The keyed audit chain and its signed checkpoints: truncation and re-hashing are found, an
exported checkpoint finds what was removed from both the log and the checkpoint table; entries
from before the chain was keyed stay verifiable; record_read logs reads, even from a GET."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, func, select, update

from learnapp import audit
from learnapp.audit.chain import export_checkpoint, load_checkpoint
from learnapp.audit.models import AuditCheckpoint, AuditEntry
from learnapp.audit.services import CHAIN_KEYED_ACTION, GENESIS, UNKEYED, unkeyed_digest
from learnapp.db import db
from learnapp.security import SYSTEM


def _entries(n: int, org, start: int = 0):
    for i in range(start, start + n):
        audit.record(org.committee_admin, f"test.entry{i}", ("thing", i), branch=org.branch_a, summary=f"第{i}条",
                     after={"i": i})
    db.session.commit()


def _rehash_unkeyed_from(seq: int, *, scheme: str | None = None) -> None:
    """What someone with write access to the database can do without the key: recompute every
    hash from `seq` on by the old unkeyed method, so each link matches again."""
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.seq >= seq).order_by(AuditEntry.seq)).all()
    prev = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1)) or GENESIS
    for entry in entries:
        entry.prev_hash = prev
        if scheme:
            entry.scheme = scheme
        entry.hash = unkeyed_digest(entry)
        prev = entry.hash
        db.session.flush()
    db.session.commit()


def test_untouched_log_with_checkpoints_verifies(app, org, tmp_path):
    _entries(3, org)
    first = audit.write_checkpoint(org.committee_admin, reason="test")
    db.session.commit()
    _entries(2, org, start=3)
    report = audit.verify_chain([load_checkpoint(export_checkpoint(first))])
    assert report.ok, report.problem
    assert report.checked == 6 and report.checkpoints == 2 and report.unkeyed == 0 and not report.key_derived


def test_deleting_the_newest_entries_is_found_by_a_checkpoint(org):
    _entries(4, org)
    audit.write_checkpoint(SYSTEM, reason="daily")
    db.session.commit()
    db.session.execute(delete(AuditEntry).where(AuditEntry.seq >= 3))
    db.session.commit()
    report = audit.verify_chain()
    assert not report.ok and "removed" in report.problem


def test_editing_and_rehashing_the_old_way_is_found(org):
    _entries(4, org)
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(summary="改过的"))
    db.session.commit()
    _rehash_unkeyed_from(2)
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == 2


def test_rehashing_the_whole_chain_as_unkeyed_is_found_by_a_checkpoint(org):
    """Passing every entry off as one from before the chain was keyed: the checkpoint's head differs."""
    _entries(3, org)
    audit.write_checkpoint(SYSTEM)
    db.session.commit()
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(summary="改过的"))
    _rehash_unkeyed_from(1, scheme=UNKEYED)
    report = audit.verify_chain()
    assert not report.ok and "rewritten" in report.problem


def test_exported_checkpoint_finds_entries_and_checkpoints_removed(org, tmp_path):
    _entries(5, org)
    exported = export_checkpoint(audit.write_checkpoint(SYSTEM, reason="daily"))
    db.session.commit()
    db.session.execute(delete(AuditEntry).where(AuditEntry.seq >= 4))
    db.session.execute(delete(AuditCheckpoint))
    db.session.commit()
    assert audit.verify_chain().ok  # what is left in the database agrees with itself
    report = audit.verify_chain([load_checkpoint(exported, source="copy.json")])
    assert not report.ok and "removed" in report.problem and "copy.json" in report.problem


def test_forged_or_foreign_checkpoints_are_refused(app, org):
    _entries(2, org)
    checkpoint = audit.write_checkpoint(SYSTEM)
    db.session.commit()
    forged = load_checkpoint(export_checkpoint(checkpoint).replace(f'"entries": {checkpoint.entries}', '"entries": 1'))
    report = audit.verify_chain([forged])
    assert not report.ok and "not genuine" in report.problem
    app.config["AUDIT_HMAC_KEY"] = "another-key"
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == 1  # every keyed entry fails under another key


def test_entries_from_before_the_key_stay_verifiable(org):
    """An upgraded database: its unkeyed entries are closed by a keyed entry at the next append."""
    prev = GENESIS
    for seq in (1, 2):
        entry = AuditEntry(seq=seq, at=db.func.now(), action=f"old.{seq}", target_type="system", summary="旧",
                           details={}, prev_hash=prev, scheme=UNKEYED, actor_name="system")
        entry.at = audit.services.utcnow()
        entry.hash = unkeyed_digest(entry)
        db.session.add(entry)
        db.session.flush()
        prev = entry.hash
    db.session.commit()
    assert audit.verify_chain().ok and "not keyed" in audit.verify_chain().warnings[-1]
    _entries(1, org)
    marker = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 3))
    assert marker.action == CHAIN_KEYED_ACTION and marker.details["unkeyed_entries"] == 2
    report = audit.verify_chain()
    assert report.ok and report.unkeyed == 2 and report.checked == 4
    # Rewriting an old entry and its unkeyed successors breaks the keyed entry's link.
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 1).values(summary="改过的"))
    db.session.commit()
    _rehash_unkeyed_from(1)
    assert not audit.verify_chain().ok


def test_cli_checkpoint_export_and_verify_against_the_copy(app, org, tmp_path):
    _entries(3, org)
    runner = app.test_cli_runner()
    copy = tmp_path / "checkpoint.json"
    result = runner.invoke(args=["audit", "checkpoint", "--reason", "daily", "--export", str(copy)])
    assert result.exit_code == 0, result.output
    assert load_checkpoint(copy.read_text()).entries == 3
    result = runner.invoke(args=["audit", "verify", "--checkpoint", str(copy)])
    assert result.exit_code == 0 and "intact" in result.output
    db.session.execute(delete(AuditEntry).where(AuditEntry.seq >= 2))
    db.session.execute(delete(AuditCheckpoint))
    db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    result = runner.invoke(args=["audit", "verify", "--checkpoint", str(copy)])
    assert result.exit_code == 1 and "removed" in result.output
    (tmp_path / "bad.json").write_text("{}")
    assert runner.invoke(args=["audit", "verify", "--checkpoint", str(tmp_path / "bad.json")]).exit_code == 2


def test_year_close_writes_a_checkpoint(org):
    from learnapp.ledger import years

    years.close_year(org.committee_admin, date(2025, 1, 1).year)
    db.session.commit()
    assert db.session.scalar(select(AuditCheckpoint.reason)) == "year_close"
    assert audit.verify_chain().ok


def test_record_read_joins_the_transaction_outside_a_get(org):
    audit.record_read(org.auditor, "test.read", org.learner_a, branch=org.branch_a, summary="看了")
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_record_read_in_a_get_is_kept_on_its_own(app, org):
    auditor_id, auditor, branch = org.auditor.id, org.auditor, org.branch_a
    db.session.commit()  # the test's own transaction ends: the request begins its own, as a GET's
    with app.test_request_context("/anything", method="GET"):
        db.session.execute(select(AuditEntry.id)).all()  # the request's own (read) transaction
        audit.record_read(auditor, "test.read", ("users", 1), branch=branch, summary="看了")
        db.session.rollback()
    db.session.remove()
    entry = db.session.scalar(select(AuditEntry))
    assert entry is not None and entry.action == "test.read" and entry.actor_id == auditor_id
    assert audit.verify_chain().ok


@pytest.mark.parametrize("configured", [True, False])
def test_key_from_config_or_derived(app, configured):
    from learnapp.audit import keys

    if not configured:
        app.config["AUDIT_HMAC_KEY"] = ""
    assert keys.is_derived() is (not configured)
    assert len(keys.key_id()) == 16
