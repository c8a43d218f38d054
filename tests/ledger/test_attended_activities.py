"""A branch admin sees the committee's activities that their people attended (read-only), and
only their own people on it; activities nobody of theirs attended stay out of sight."""

from __future__ import annotations

from datetime import time

from learnapp.db import db
from learnapp.ledger import activities
from tests.helpers.ledger import LECTURE_DAY, sched


def _committee_lecture(org, title="党委中心组党课"):
    return activities.create_activity(org.committee_admin, branch=org.committee, category="lecture", title=title,
                                      schedule=sched(LECTURE_DAY, time(9, 0), time(11, 30)), audience=[org.committee])


def test_branch_admin_sees_committee_activity_their_people_attended(app, client, clock, org, login):
    attended = _committee_lecture(org)
    other = _committee_lecture(org, "无人参加的报告会")
    activities.set_attendance(org.committee_admin, attended, org.learner_a, True, "roster")
    activities.set_attendance(org.committee_admin, attended, org.learner_c, True, "roster")  # another branch
    db.session.commit()
    login(org.admin_a)
    listing = client.get("/ledger/activities").get_data(as_text=True)
    assert "党委中心组党课" in listing and "无人参加的报告会" not in listing
    page = client.get(f"/ledger/activities/{attended.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert org.learner_a.name in text and org.learner_c.name not in text
    assert "/attendance" not in text and "/edit" not in text  # read-only
    assert client.get(f"/ledger/activities/{other.id}").status_code == 404
    assert client.get(f"/ledger/activities/{attended.id}/edit").status_code == 404


def test_the_persons_ledger_links_the_activity_for_their_admin(app, client, clock, org, login):
    attended = _committee_lecture(org)
    activities.set_attendance(org.committee_admin, attended, org.learner_a, True, "roster")
    db.session.commit()
    login(org.admin_a)
    page = client.get(f"/ledger/people/{org.learner_a.id}?year=2026").get_data(as_text=True)
    assert f'href="/ledger/activities/{attended.id}">党委中心组党课</a>' in page
    login(org.learner_a)
    own = client.get("/ledger/?year=2026").get_data(as_text=True)
    assert "党委中心组党课" in own and f'href="/ledger/activities/{attended.id}"' not in own
