"""Reminders to people behind pace: the list, and e-mail through a local SMTP sink."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from learnapp.audit.models import AuditEntry
from learnapp.db import db
from learnapp.notices.models import Notice
from learnapp.reports import reminders
from learnapp.reports.models import ReminderSent
from learnapp.reports.scope import managed_people
from tests.helpers.reports import add_entry
from tests.helpers.smtp_sink import SMTPSink


@pytest.fixture
def sink(app):
    with SMTPSink() as server:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, MAIL_FROM="party@example.org")
        yield server
    app.config["SMTP_HOST"] = None


def _setup(org):
    org.learner_a.email = "a@example.org"
    org.learner_b.email = "b@example.org"
    org.learner_c.email = "c@example.org"
    add_entry(org.learner_b, 5000, on=date(2026, 2, 1))  # learner_b is complete: no reminder
    db.session.commit()


def test_list_shows_only_people_behind_in_scope(app, clock, org, client, login):
    _setup(org)
    login(org.admin_a)
    page = client.get("/reports/reminders?year=2026").get_data(as_text=True)
    assert org.learner_a.name in page and org.learner_b.name not in page and org.learner_c.name not in page


def test_email_reaches_the_sink_once(app, clock, org, sink):
    _setup(org)
    report = reminders.send(org.admin_g1, managed_people(org.admin_g1), 2026)
    db.session.commit()
    recipients = sorted(m["To"] for m in sink.messages)
    # admin_g1 looks after branches a and b: learner_a is behind; learner_b complete; learner_c elsewhere.
    assert recipients == ["a@example.org"]
    body = sink.messages[0].get_content()
    assert "2026" in body and "50" in body
    assert org.learner_a.name in report.sent
    assert any(org.contact_a.name == n for n in report.no_email)  # behind too, but no address
    emailed = db.session.execute(select(ReminderSent.user_id, ReminderSent.email)).all()
    assert (org.learner_a.id, "a@example.org") in emailed and (org.contact_a.id, "") in emailed
    # Both get an in-app notice; only learner_a an e-mail.
    assert {org.learner_a.name, org.contact_a.name} <= set(report.noticed)
    assert db.session.scalar(select(func.count()).select_from(Notice).where(
        Notice.user_id == org.contact_a.id, Notice.kind == "behind_pace")) == 1
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "report.remind")) is not None
    # Pressing the button again the next day sends nothing new.
    clock.advance(days=1)
    again = reminders.send(org.admin_g1, managed_people(org.admin_g1), 2026)
    assert again.sent == [] and org.learner_a.name in again.recent
    assert len(sink.messages) == 1
    # After the quiet period a new reminder goes out.
    clock.advance(days=reminders.QUIET_DAYS)
    assert reminders.send(org.admin_g1, managed_people(org.admin_g1), 2026).sent == [org.learner_a.name]


def test_refused_address_does_not_stop_the_others(app, clock, org, sink):
    _setup(org)
    org.contact_a.email = "contact@example.org"
    db.session.commit()
    sink.refuse.add("a@example.org")
    report = reminders.send(org.committee_admin, managed_people(org.committee_admin), 2026)
    assert org.learner_a.name in report.failed
    assert "contact@example.org" in [m["To"] for m in sink.messages]


def test_post_from_the_page(app, clock, org, sink, client, login):
    _setup(org)
    login(org.admin_a)
    response = client.post("/reports/reminders?year=2026", data={"user_id": [str(org.learner_a.id)]})
    assert response.status_code == 302
    assert [m["To"] for m in sink.messages] == ["a@example.org"]


def test_without_smtp_the_notices_still_go(app, clock, org, client, login):
    _setup(org)
    report = reminders.send(org.admin_a, managed_people(org.admin_a), 2026)
    db.session.commit()
    assert org.learner_a.name in report.noticed and report.sent == []
    assert db.session.scalar(select(Notice.kind).where(Notice.user_id == org.learner_a.id)) == "behind_pace"
    login(org.admin_a)
    page = client.get("/reports/reminders?year=2026").get_data(as_text=True)
    assert "e-mail is not configured" in page.lower() or "未配置" in page


def test_auditor_reads_but_cannot_send(app, clock, org, sink, client, login):
    _setup(org)
    login(org.auditor)
    assert client.get("/reports/reminders?year=2026").status_code == 200
    assert client.post("/reports/reminders?year=2026").status_code == 403
    assert sink.messages == []
