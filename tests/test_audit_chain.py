"""The audit log is a hash chain: any altered or removed entry is found by `audit verify`."""

from __future__ import annotations

import threading

from sqlalchemy import delete, select, update

from learnapp import audit
from learnapp.audit.models import AuditEntry
from learnapp.db import db
from learnapp.security import SYSTEM


def _three_entries(org):
    audit.record(org.committee_admin, "test.one", ("thing", 1), branch=org.branch_a, before={"x": 1}, after={"x": 2})
    audit.record(org.committee_admin, "test.two", ("thing", 2), summary="第二条")
    audit.record(SYSTEM, "test.three", None)
    db.session.commit()


def test_intact_chain_verifies(org):
    _three_entries(org)
    report = audit.verify_chain()
    assert report.ok and report.checked == 3


def test_altered_entry_is_detected(org):
    _three_entries(org)
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(summary="改过的"))
    db.session.commit()
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == 2


def test_removed_entry_is_detected(org):
    _three_entries(org)
    db.session.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    db.session.commit()
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == 3


def test_rehashed_entry_breaks_the_next_link(org):
    """Recomputing an altered entry's own hash (by the old, unkeyed method) does not help."""
    from learnapp.audit.services import unkeyed_digest

    _three_entries(org)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 1))
    entry.details = {"after": {"x": 99}}
    entry.hash = unkeyed_digest(entry)
    db.session.commit()
    report = audit.verify_chain()
    assert not report.ok and report.broken_at == 1


def test_cli_verify(app, org):
    _three_entries(org)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "3" in result.output
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(action="tampered"))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "3" in result.output


def test_entries_roll_back_with_the_change(org):
    audit.record(org.committee_admin, "test.rolled_back", None)
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "test.rolled_back")) is None


def test_concurrent_writers_keep_one_chain(app, org):
    """Eight transactions appending at once still form a single unbroken chain."""
    errors = []

    def writer(n):
        # Each thread has its own app context, hence its own session and connection.
        try:
            with app.app_context():
                audit.record(SYSTEM, f"test.concurrent.{n}", ("thing", n))
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    db.session.expire_all()
    report = audit.verify_chain()
    assert report.ok and report.checked == 8
    assert sorted(e.action for e in db.session.scalars(select(AuditEntry))) == sorted(f"test.concurrent.{n}" for n in range(8))
