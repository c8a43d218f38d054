"""The contact's home panel (next talk, reports missing and unread, assessments due), the branch's
count of missing reports, and the quarter's work beside the contact's assessment."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from learnapp.assessments import services as assessments
from learnapp.assessments.models import Grade, Period
from learnapp.contactwork import queries, talks
from learnapp.db import db
from tests.helpers.contactwork import reporting_since, submitted, talk_input


def _assigned_on(org, day: date) -> None:
    from learnapp.accounts.models import ContactAssignment

    for assignment in db.session.query(ContactAssignment):
        assignment.created_at = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
    db.session.flush()


def test_due_list_of_a_contact(app, clock, org):
    reporting_since(org.learner_a, date(2025, 9, 1))
    _assigned_on(org, date(2025, 10, 1))
    (due,) = queries.due_for_contact(org.contact_a)
    assert due.last_talk is None and due.talk_overdue  # no talk since the assignment, 92 days ago and more
    assert due.missing_reports == [(2026, 1), (2025, 4)]  # Q3 2025 began before the activist did (grace month)
    assert due.assessments_due == [(2026, 1), (2025, 4)]
    talks.record_talk(org.contact_a, org.learner_a, talk_input(held_on=date(2026, 5, 20)))
    report = submitted(org.learner_a, quarter=1)
    assessments.record_assessment(org.contact_a, org.learner_a, year=2026, period=Period.q1, grade=Grade.competent)
    (due,) = queries.due_for_contact(org.contact_a)
    assert (due.last_talk, due.next_talk, due.talk_overdue) == (date(2026, 5, 20), date(2026, 8, 20), False)
    assert due.missing_reports == [(2025, 4)] and (due.unread, due.latest_unread_id) == (1, report.id)
    assert due.assessments_due == [(2025, 4)]


@pytest.mark.parametrize("app_config", [{"CONTACTWORK_TALK_INTERVAL_DAYS": 30}])
def test_talk_interval_is_a_setting(app, clock, org):
    talks.record_talk(org.contact_a, org.learner_a, talk_input(held_on=date(2026, 5, 1)))
    (due,) = queries.due_for_contact(org.contact_a)
    assert due.next_talk == date(2026, 5, 31) and due.talk_overdue


def test_home_panels(app, client, clock, org, login):
    reporting_since(org.learner_a, date(2025, 9, 1))
    db.session.commit()
    login(org.contact_a)
    home = client.get("/").get_data(as_text=True)
    assert f"/contact-work/people/{org.learner_a.id}/talks/new" in home and "/contact-work/reports/missing" in home
    login(org.admin_a)
    home = client.get("/").get_data(as_text=True)
    assert "/contact-work/reports/missing?quarter=2026-1" in home
    login(org.learner_a)
    home = client.get("/").get_data(as_text=True)
    assert "/contact-work/reports/write?quarter=2026-2" in home
    login(org.auditor)
    assert "/contact-work/reports/write" not in client.get("/").get_data(as_text=True)


def test_missing_list_page_by_scope(app, client, clock, org, login):
    reporting_since(org.learner_a, date(2025, 9, 1))
    reporting_since(org.learner_c, date(2025, 9, 1))
    db.session.commit()
    login(org.admin_a)
    page = client.get("/contact-work/reports/missing?quarter=2026-1").get_data(as_text=True)
    assert org.learner_a.name in page and org.learner_c.name not in page and org.contact_a.name in page
    login(org.committee_admin)
    page = client.get("/contact-work/reports/missing?quarter=2026-1").get_data(as_text=True)
    assert org.learner_a.name in page and org.learner_c.name in page


def test_assessment_form_shows_the_quarters_talks_and_report(app, client, clock, org, login):
    talks.record_talk(org.contact_a, org.learner_a, talk_input(held_on=date(2026, 4, 20), topics="谈工作与学习"))
    talks.record_talk(org.contact_a, org.learner_a, talk_input(held_on=date(2026, 3, 20), topics="上季度的谈话"))
    submitted(org.learner_a, quarter=2)
    db.session.commit()
    login(org.contact_a)
    page = client.get(f"/assessments/people/{org.learner_a.id}/new?year=2026&period=q2").get_data(as_text=True)
    assert "谈工作与学习" in page and "上季度的谈话" not in page and "/contact-work/reports/" in page
    page = client.get(f"/assessments/people/{org.learner_a.id}/new?year=2026&period=q1").get_data(as_text=True)
    assert "上季度的谈话" in page and "data-quarter-work" in page
