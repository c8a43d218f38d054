"""Claims: submit with evidence, overlaps, withdraw, approve/reject, scoping, bulk approve."""

from __future__ import annotations

import io
from datetime import date, time

import pytest

from learnapp.audit.models import AuditEntry
from learnapp.errors import DomainError
from learnapp.ledger import claims, evidence, queries
from learnapp.ledger.models import LedgerEntry, TrainingYear
from learnapp.ledger.offline_models import ClaimStatus
from tests.helpers.ledger import sched, submit


def test_museum_visit_approved_credits_by_rules(org, db):
    claim = submit(org.learner_a)
    assert claim.status == ClaimStatus.pending
    assert queries.year_total(org.learner_a.id, 2026) == 0  # pending credits nothing
    assert claims.expected_credit(claim) == 400
    claims.approve_claim(org.admin_a, claim.id)
    db.session.commit()
    assert claim.status == ClaimStatus.approved and claim.credited_hundredths == 400
    assert queries.year_total(org.learner_a.id, 2026) == 400
    entry = db.session.scalar(db.select(LedgerEntry))
    assert (entry.source_type, entry.source_id, entry.minutes, entry.created_by_id) == ("claim", str(claim.id), 120, org.admin_a.id)
    assert [e.action for e in claim.events] == ["submitted", "approved"]
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "claim.approve"))


def test_reject_needs_reason_and_credits_nothing(org, db):
    claim = submit(org.learner_a)
    with pytest.raises(DomainError):
        claims.reject_claim(org.admin_a, claim.id, "  ")
    claims.reject_claim(org.admin_a, claim.id, "照片看不清")
    assert claim.status == ClaimStatus.rejected and claim.decision_reason == "照片看不清"
    with pytest.raises(claims.AlreadyDecided):
        claims.approve_claim(org.admin_a, claim.id)
    assert queries.year_total(org.learner_a.id, 2026) == 0


def test_scoping_branch_admin_decides_only_in_subtree(org, db):
    claim_c = submit(org.learner_c)
    with pytest.raises(DomainError):
        claims.approve_claim(org.admin_a, claim_c.id)
    with pytest.raises(DomainError):
        claims.approve_claim(org.admin_g1, claim_c.id)
    claim_b = submit(org.learner_b)
    with pytest.raises(DomainError):
        claims.approve_claim(org.admin_a, claim_b.id)   # branch_b is a sibling, not under branch_a
    claims.approve_claim(org.admin_g1, claim_b.id)      # general1 covers branch_b
    claims.approve_claim(org.committee_admin, claim_c.id)


def test_no_one_decides_their_own_claim(org, db):
    claim = submit(org.admin_a)
    with pytest.raises(DomainError):
        claims.approve_claim(org.admin_a, claim.id)
    claims.approve_claim(org.admin_g1, claim.id)


def test_withdraw_only_own_pending(org, db):
    claim = submit(org.learner_a)
    with pytest.raises(DomainError):
        claims.withdraw_claim(org.learner_b, claim)
    claims.withdraw_claim(org.learner_a, claim)
    assert claim.status == ClaimStatus.withdrawn
    with pytest.raises(DomainError):
        claims.withdraw_claim(org.learner_a, claim)
    with pytest.raises(claims.AlreadyDecided):
        claims.approve_claim(org.admin_a, claim.id)


def test_overlapping_claim_is_flagged(org, db):
    first = submit(org.learner_a, start=time(9, 0), end=time(11, 0))
    second = submit(org.learner_a, start=time(10, 30), end=time(12, 0), title="另一次")
    third = submit(org.learner_a, start=time(14, 0), end=time(15, 0), title="下午")
    assert claims.overlaps(second) == [first]
    assert claims.overlaps(third) == []
    claims.withdraw_claim(org.learner_a, first)
    assert claims.overlaps(second) == []


@pytest.mark.parametrize("kwargs, field", [
    ({"day": date(2026, 6, 16)}, "start_date"),                               # future
    ({"category": "online_reading"}, "category"),                             # not offline
    ({"title": ""}, "title"),
])
def test_bad_claims(org, db, kwargs, field):
    with pytest.raises(DomainError) as info:
        submit(org.learner_a, **kwargs)
    assert info.value.reasons[0][0] == field


def test_bad_durations(app):
    from learnapp.ledger.schedule import make_schedule

    with pytest.raises(DomainError):
        make_schedule(date(2026, 6, 1), time(11, 0), time(9, 0))        # negative
    with pytest.raises(DomainError):
        make_schedule(date(2026, 6, 1), time(9, 0), time(10, 0), date(2026, 8, 1))  # absurdly long
    with pytest.raises(DomainError):
        make_schedule(date(2026, 6, 1), time(9, 0), time(10, 0), date(2026, 5, 1))  # end before start


def test_claim_in_closed_year_refused(org, db, clock):
    db.session.add(TrainingYear(year=2025, closed=True))
    with pytest.raises(DomainError):
        submit(org.learner_a, day=date(2025, 12, 1))


def test_evidence_checked_by_content_and_size(org, db, app):
    def files(name, data):
        return [(name, io.BytesIO(data))]

    with pytest.raises(DomainError):  # a text file called .png
        claims.submit_claim(org.learner_a, category="lecture", title="t", schedule=sched(),
                            files=files("x.png", b"hello world, not an image"))
    with pytest.raises(DomainError):  # no evidence at all
        claims.submit_claim(org.learner_a, category="lecture", title="t", schedule=sched(), files=[])
    app.config["LEDGER_EVIDENCE_MAX_BYTES"] = 100
    with pytest.raises(DomainError) as info:
        claims.submit_claim(org.learner_a, category="lecture", title="t", schedule=sched(),
                            files=files("big.pdf", b"%PDF-1.4" + b"0" * 200))
    assert "big.pdf" in info.value.messages[0]
    app.config["LEDGER_EVIDENCE_MAX_BYTES"] = 10_000
    claim = claims.submit_claim(org.learner_a, category="lecture", title="t", schedule=sched(),
                                files=files("scan.bin", b"%PDF-1.4 tiny") + files("p.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 "))
    assert [e.content_type for e in claim.evidence] == ["application/pdf", "image/webp"]
    assert evidence.path_of(claim.evidence[0].stored_name).read_bytes() == b"%PDF-1.4 tiny"


def test_bulk_approve_skips_decided(org, db):
    a = submit(org.learner_a)
    b = submit(org.learner_a, start=time(14, 0), end=time(16, 0), title="b")
    claims.reject_claim(org.admin_a, b.id, "no")
    result = claims.bulk_approve(org.admin_a, [a.id, b.id])
    assert [c.id for c in result.approved] == [a.id]
    assert [i for i, _m in result.skipped] == [b.id]
    assert queries.year_total(org.learner_a.id, 2026) == 400
