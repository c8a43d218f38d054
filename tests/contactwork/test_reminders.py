"""Reminders for missing thought reports: in-app notices, and e-mail through a local SMTP sink."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from learnapp.contactwork import reminders
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.notices.models import Notice
from tests.helpers.contactwork import reporting_since, submitted
from tests.helpers.smtp_sink import SMTPSink


@pytest.fixture
def sink(app):
    with SMTPSink() as server:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, MAIL_FROM="party@example.org")
        yield server
    app.config["SMTP_HOST"] = None


@pytest.fixture
def owing(org):
    """learner_a and learner_c owe 2026 Q1; learner_b handed it in."""
    for person in (org.learner_a, org.learner_b, org.learner_c):
        reporting_since(person, date(2025, 9, 1))
        person.email = f"{person.login_id}@example.org"
    submitted(org.learner_b, quarter=1)
    db.session.commit()


def test_the_contact_reminds_their_people_who_owe_the_report(app, clock, org, sink, owing):
    result = reminders.remind_missing(org.contact_a, 2026, 1)
    assert result.sent == [org.learner_a.name]  # learner_c is not contact_a's; learner_b handed in
    [message] = sink.messages
    assert message["To"] == "learner_a@example.org" and "2026" in message["Subject"]
    assert "/contact-work/reports/write?quarter=2026-1" in message.get_content()
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "thought_report.remind")).all()
    assert entry.actor_id == org.contact_a.id and entry.details["after"]["sent"] == 1


def test_without_an_address_the_person_is_listed_not_mailed(app, clock, org, sink, owing):
    org.learner_a.email = None
    result = reminders.remind_missing(org.committee_admin, 2026, 1)
    assert result.no_email == [org.learner_a.name] and result.sent == [org.learner_c.name]


def test_learners_and_auditors_do_not_send_and_without_smtp_the_notices_go(app, clock, org, owing):
    for actor in (org.learner_a, org.auditor):
        with pytest.raises(DomainError):
            reminders.remind_missing(actor, 2026, 1)
    result = reminders.remind_missing(org.admin_a, 2026, 1)
    db.session.commit()
    assert org.learner_a.name in result.noticed and result.sent == []
    notice = db.session.scalar(select(Notice).where(Notice.user_id == org.learner_a.id))
    assert notice.kind == "report_missing" and notice.params == {"year": 2026, "quarter": 1}


def test_the_page_sends_to_the_ticked_people(app, client, clock, org, login, sink, owing):
    login(org.committee_admin)
    page = client.get("/contact-work/reports/missing?quarter=2026-1").get_data(as_text=True)
    assert 'name="user_id"' in page
    response = client.post("/contact-work/reports/missing/remind",
                           data={"quarter": "2026-1", "user_id": [str(org.learner_c.id)]})
    assert response.status_code == 302
    assert [m["To"] for m in sink.messages] == ["learner_c@example.org"]
