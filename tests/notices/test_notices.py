"""In-app notices: written by the domains' services in their transactions, shown with a bell whose
count comes with the signed-in person's own statement, marked read, e-mailed after the commit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from learnapp import clock as app_clock
from learnapp.contactwork import reports
from learnapp.db import db
from learnapp.development.services import decide_step, record_step
from learnapp.ledger import claims
from learnapp.notices import services
from learnapp.notices.models import Notice
from learnapp.quizzes.due_notices import remind_due
from tests.helpers.contactwork import submitted
from tests.helpers.development import person_up_to
from tests.helpers.ledger import submit
from tests.helpers.query_counter import statements_of_get
from tests.helpers.quizzes import Bank, make_quiz
from tests.helpers.smtp_sink import SMTPSink


def kinds_of(user) -> list[str]:
    return list(db.session.scalars(select(Notice.kind).where(Notice.user_id == user.id).order_by(Notice.id)))


@pytest.fixture
def sink(app):
    with SMTPSink() as server:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, MAIL_FROM="party@example.org")
        yield server
    app.config["SMTP_HOST"] = None


def test_claim_decisions_are_noticed(app, clock, org):
    approved = submit(org.learner_a)
    claims.approve_claim(org.admin_a, approved.id)
    rejected = submit(org.learner_a, day=date(2026, 6, 11), title="另一次参观")
    claims.reject_claim(org.admin_a, rejected.id, "照片看不清")
    db.session.commit()
    assert kinds_of(org.learner_a) == ["claim_approved", "claim_rejected"]
    last = db.session.scalars(select(Notice).where(Notice.user_id == org.learner_a.id).order_by(Notice.id)).all()[-1]
    assert last.params["reason"] == "照片看不清" and last.sent_by_id == org.admin_a.id


def test_a_rolled_back_decision_leaves_no_notice(app, clock, org):
    claim = submit(org.learner_a)
    db.session.commit()
    claims.approve_claim(org.admin_a, claim.id)
    db.session.rollback()
    assert kinds_of(org.learner_a) == []


def test_development_steps_recorded_and_returned(app, clock, org):
    person = person_up_to(org.branch_a, "activist_determined", login_id="p1")
    step = record_step(org.admin_a, person, "activist_filed", date(2023, 9, 20))  # submitted: no notice yet
    assert kinds_of(person) == []
    decide_step(org.committee_admin, step, accept=False, reason="缺推优材料")
    again = record_step(org.admin_a, person, "activist_filed", date(2023, 10, 8))
    decide_step(org.committee_admin, again, accept=True, reason=None, decided_on=date(2023, 10, 10))
    assert kinds_of(person) == ["step_returned", "step_recorded"]
    returned = db.session.scalar(select(Notice).where(Notice.kind == "step_returned"))
    assert returned.params["reason"] == "缺推优材料" and returned.params["step"]["zh_CN"]


def test_thought_report_read(app, clock, org):
    report = submitted(org.learner_a)
    reports.mark_read(org.contact_a, report, comment="认识深刻，继续保持。")
    assert kinds_of(org.learner_a) == ["report_read"]


def test_quiz_published_once_and_due_soon_once(app, clock, org):
    bank = Bank()
    quiz = make_quiz(org.admin_a, org.branch_a, bank.auto_questions, closes_at=app_clock.now() + timedelta(days=10))
    db.session.commit()
    assert "quiz_published" in kinds_of(org.learner_a)
    assert "quiz_published" not in kinds_of(org.learner_c)  # another branch
    assert remind_due() == 0  # closes in ten days
    clock.advance(days=8)
    written = remind_due()
    assert written >= 1 and "quiz_due" in kinds_of(org.learner_a)
    assert remind_due() == 0  # never twice
    assert quiz.id == db.session.scalar(select(Notice.params).where(Notice.kind == "quiz_due").limit(1))["quiz_id"]


def test_bell_count_comes_with_the_person_and_pages_mark_read(app, client, clock, org, login):
    for n in range(25):
        services.notify(org.learner_a, "claim_rejected", {"claim_id": None, "title": f"活动{n}", "reason": "无"})
    db.session.commit()
    login(org.learner_a)
    page = client.get("/").get_data(as_text=True)
    assert 'class="bell-count"' in page and ">25<" in page
    counted = statements_of_get(client, "/")
    # The count is a column of the person's statement, never a statement of its own.
    assert not [s for s in counted.statements if "FROM notices" in s and "FROM users" not in s], counted.report()
    listing = client.get("/notices/").get_data(as_text=True)
    assert "活动24" in listing and "活动0" not in listing  # newest first, twenty a page
    assert "活动0" in client.get("/notices/?page=2").get_data(as_text=True)
    first = db.session.scalar(select(Notice.id).where(Notice.user_id == org.learner_a.id).order_by(Notice.id))
    assert client.post(f"/notices/{first}/read").status_code == 302
    assert ">24<" in client.get("/").get_data(as_text=True)
    assert client.post("/notices/read-all").status_code == 302
    assert 'class="bell-count"' not in client.get("/").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Notice).where(Notice.read_at.is_(None))) == 0


def test_someone_elses_notice_is_not_found(app, client, clock, org, login):
    notice = services.notify(org.learner_b, "claim_rejected", {"title": "x", "reason": "y"})
    db.session.commit()
    login(org.learner_a)
    assert client.post(f"/notices/{notice.id}/read").status_code == 404
    assert db.session.get(Notice, notice.id).read_at is None


def test_open_goes_to_the_claim(app, client, clock, org, login):
    claim = submit(org.learner_a)
    claims.reject_claim(org.admin_a, claim.id, "照片看不清")
    db.session.commit()
    login(org.learner_a)
    assert "照片看不清" in client.get("/notices/").get_data(as_text=True)
    notice_id = db.session.scalar(select(Notice.id).where(Notice.user_id == org.learner_a.id))
    response = client.post(f"/notices/{notice_id}/read", data={"open": "1"})
    assert response.headers["Location"].endswith(f"/ledger/claims/{claim.id}")


def test_email_after_commit_only_with_an_address(app, clock, org, sink):
    org.learner_a.email = "a@example.org"
    db.session.commit()
    services.notify(org.learner_a, "claim_rejected", {"title": "参观", "reason": "照片看不清"})
    services.notify(org.learner_b, "claim_rejected", {"title": "参观", "reason": "照片看不清"})  # no address
    assert sink.messages == []
    db.session.commit()
    assert [m["To"] for m in sink.messages] == ["a@example.org"]
    assert "照片看不清" in sink.messages[0].get_content()
    services.notify(org.learner_a, "claim_rejected", {"title": "参观", "reason": "二次"})
    db.session.rollback()
    db.session.commit()
    assert len(sink.messages) == 1
