"""Two admins approving the same claim at once (own sessions, own threads) grant the credit once.

Runs on SQLite (BEGIN IMMEDIATE serialises writers) and on PostgreSQL (SELECT … FOR UPDATE on the
claim row, plus the unique dedupe_key) — set LEARNAPP_TEST_DATABASE_URL for the latter.
"""

from __future__ import annotations

import threading

from learnapp.db import db as _db
from learnapp.ledger import claims, queries, services
from learnapp.ledger.models import Category, LedgerEntry
from learnapp.ledger.offline_models import ClaimStatus
from learnapp.security import SYSTEM
from tests.helpers.ledger import submit


def _race(app, workers):
    barrier = threading.Barrier(len(workers))
    outcomes: list[str] = []

    def run(work):
        with app.app_context():
            barrier.wait()
            try:
                work()
                _db.session.commit()
                outcomes.append("ok")
            except Exception as exc:  # noqa: BLE001 - the race's loser reports how it lost
                _db.session.rollback()
                outcomes.append(type(exc).__name__)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(outcomes)


def test_two_admins_approve_the_same_claim_at_once(app, org, db):
    claim = submit(org.learner_a)
    db.session.commit()
    claim_id, admin_ids, learner_id = claim.id, (org.admin_a.id, org.admin_g1.id), org.learner_a.id
    db.session.remove()

    def approver(admin_id):
        def work():
            from learnapp.accounts.models import User

            claims.approve_claim(_db.session.get(User, admin_id), claim_id)
        return work

    outcomes = _race(app, [approver(i) for i in admin_ids])
    assert outcomes == ["AlreadyDecided", "ok"]
    assert db.session.scalar(db.select(db.func.count(LedgerEntry.id))) == 1
    assert queries.year_total(learner_id, 2026) == 400
    assert db.session.get(type(claim), claim_id).status == ClaimStatus.approved


def test_same_dedupe_key_granted_concurrently_once(app, org, db):
    user_id = org.learner_a.id
    db.session.remove()
    from datetime import date

    def work():
        services.grant(SYSTEM, user_id, category=Category.online_reading, credit_hundredths=100,
                       occurred_on=date(2026, 6, 15), source_type="material", source_id=1, dedupe_key="material:1:u")

    assert _race(app, [work, work, work]) == ["ok", "ok", "ok"]
    assert queries.year_total(user_id, 2026) == 100


def test_double_clicked_approve_grants_once(client, org, login, db):
    claim = submit(org.learner_a)
    db.session.commit()
    login(org.admin_a)
    first = client.post(f"/ledger/claims/{claim.id}/approve")
    second = client.post(f"/ledger/claims/{claim.id}/approve")
    assert first.status_code == 302 and second.status_code == 302
    assert db.session.scalar(db.select(db.func.count(LedgerEntry.id))) == 1
