"""The demo: a realistic spread of this year's offline credit by profile, a lecture crediting 4 学时, pending
claims; idempotent."""

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
    # Offline only here (the reading is the materials demo's): ahead of pace or behind it, by profile.
    progress = {login: year_progress(p, with_chart=False) for login, p in ctx.people.items() if login in ctx.profiles}
    assert {"on_track", "behind"} <= {p.status for p in progress.values()}
    monthly = db.session.scalars(db.select(Activity.id).where(Activity.title.like("%月主题党日%"))).all()
    attended = db.session.execute(db.select(LedgerEntry.user_id).where(
        LedgerEntry.source_type == "activity", LedgerEntry.source_id.in_([str(i) for i in monthly]))).scalars().all()
    by_profile = [[attended.count(p.id) for login, p in ctx.people.items() if ctx.profiles.get(login) == n] for n in range(3)]
    means = [sum(values) / len(values) for values in by_profile]
    assert means[0] > means[1] > means[2]
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
