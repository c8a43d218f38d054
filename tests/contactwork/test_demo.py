"""The contact-work demo: consistent with the stages, one missing quarter, a concluded review; idempotent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from learnapp import clock as learnapp_clock
from learnapp.accounts.models import ContactAssignment, User
from learnapp.contactwork import demo, queries, review
from learnapp.contactwork.access import REPORTING_STAGES
from learnapp.contactwork.models import PoliticalReview, Talk, TalkKind, ThoughtReport
from learnapp.db import db
from learnapp.demo import load_core


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (Talk, ThoughtReport, PoliticalReview))


def test_demo_tells_a_consistent_story_and_is_idempotent(app, clock):
    today = learnapp_clock.today()
    ctx = load_core(today)
    demo.load_demo(ctx)
    first = _counts()
    assert all(first), first
    demo.load_demo(ctx)
    assert _counts() == first
    # Every report belongs to a person who reports, in a quarter they owed, handed in on time.
    for report in db.session.scalars(select(ThoughtReport)):
        last = queries.quarter_bounds(report.year, report.quarter)[1]
        assert demo._since(report.user) <= last - timedelta(days=queries.FIRST_QUARTER_GRACE_DAYS)
        assert report.user.stage in REPORTING_STAGES
        assert not report.late and learnapp_clock.to_local(report.submitted_at).date() <= last
    # Exactly one person with a contact lacks the last quarter's report.
    year, quarter = queries.last_quarters(today, 1)[0]
    with_contact = select(ContactAssignment.learner_id).where(ContactAssignment.active)
    missing = db.session.execute(queries.missing_reports_stmt(User.id.in_(with_contact), year, quarter)).all()
    assert len(missing) == 1
    assert db.session.scalar(select(Talk.id).where(Talk.kind == TalkKind.after_application)) is not None
    concluded = [r for r in db.session.scalars(select(PoliticalReview)) if review.political_review_conclusion(r.user)]
    assert len(concluded) == 1 and concluded[0].user.stage.value == "development_target"
