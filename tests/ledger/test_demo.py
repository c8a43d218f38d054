"""The demo: a realistic spread of this year's credit, a lecture crediting 4 学时, pending claims; idempotent."""

from __future__ import annotations

from learnapp import clock as app_clock
from learnapp.demo import load_core
from learnapp.ledger import claims, demo, queries
from learnapp.ledger.evidence import path_of, sniff
from learnapp.ledger.models import LedgerEntry
from learnapp.ledger.offline_models import Activity, Claim, ClaimStatus
from learnapp.ledger.progress import year_progress


def test_demo_spread_and_idempotent(app, clock, db):
    clock_today = app_clock.today()
    ctx = load_core(clock_today)
    demo.load_demo(ctx)
    db.session.commit()
    count = db.session.scalar(db.select(db.func.count(LedgerEntry.id)))
    lecture = db.session.scalar(db.select(Activity).where(Activity.title == demo.MARKER_TITLE))
    lecture_entries = db.session.scalars(db.select(LedgerEntry).where(LedgerEntry.source_type == "activity",
                                                                      LedgerEntry.source_id == str(lecture.id))).all()
    assert lecture_entries and {e.credit_hundredths for e in lecture_entries} == {400}
    statuses = {year_progress(p, with_chart=False).status for login, p in ctx.people.items() if login.startswith("u")}
    assert {"done", "on_track", "behind"} <= statuses
    pending = db.session.scalars(db.select(Claim).where(Claim.status == ClaimStatus.pending)).all()
    assert len(pending) >= 3 and all(sniff(open_evidence(c)) == "image/png" for c in pending)
    assert any(queries.year_total(p.id, clock_today.year - 1) for p in ctx.people.values())
    # A second run changes nothing.
    demo.load_demo(load_core(clock_today))
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(LedgerEntry.id))) == count
    # The walkthrough: the branch admin approves a pending museum visit; the learner's total moves by the rules.
    claim = pending[0]
    before = queries.year_total(claim.user_id, claim.start_date.year)
    secretary = next(p for login, p in ctx.people.items() if login.startswith("sec") and p.branch_id == claim.user.branch_id)
    claims.approve_claim(secretary, claim.id)
    assert queries.year_total(claim.user_id, claim.start_date.year) == before + claims.expected_credit(claim)


def open_evidence(claim) -> bytes:
    return path_of(claim.evidence[0].stored_name).read_bytes()[:16]
