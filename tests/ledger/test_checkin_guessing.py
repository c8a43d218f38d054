"""Check-in codes cannot be guessed: wrong codes are counted in the database per person and per
activity, an activity's code locks after too many (across people) until an admin makes a new one,
every wrong code is audited; the projector's QR link is signed, short-lived and checks people in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from learnapp.audit.models import AuditEntry
from learnapp.ledger import activities, checkin, queries
from learnapp.ledger.offline_models import Attendance, AttendanceMethod
from tests.helpers.factories import make_user
from tests.helpers.ledger import sched

NINE_LOCAL = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)


@pytest.fixture
def app_config():
    return {"CHECKIN_ACTIVITY_MAX_FAILURES": 5, "CHECKIN_PERSON_MAX_FAILURES": 3, "CHECKIN_PERSON_WINDOW_MINUTES": 10}


@pytest.fixture
def lecture(org, db, clock):
    activity = activities.create_activity(org.admin_a, branch=org.branch_a, category="lecture", title="党课",
                                          schedule=sched(date(2026, 6, 15), time(9, 0), time(11, 30)))
    db.session.commit()
    clock.set(NINE_LOCAL)
    return activity


def _wrong(activity) -> str:
    return "000000" if activity.checkin_code != "000000" else "111111"


def _audited(action: str) -> int:
    from learnapp.db import db

    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


def test_code_locks_after_failures_across_people_and_rotation_unlocks(org, db, lecture):
    people = [make_user(org.branch_a) for _ in range(3)]
    for person in people:
        for _ in range(2):  # each below their own limit of 3
            assert checkin.check_in_with_code(person, _wrong(lecture)).refusal is not None
    db.session.commit()
    # Locked at the fifth; a locked code is no longer a target, so it counts no further.
    assert lecture.checkin_failures == 5 and lecture.checkin_locked_at is not None
    assert _audited("checkin.failed") == 6 and _audited("activity.code_locked") == 1
    # Now even the right code is refused, for everyone …
    outcome = checkin.check_in_with_code(org.learner_a, lecture.checkin_code)
    assert outcome.refusal is not None and outcome.change is None
    assert queries.year_total(org.learner_a.id, 2026) == 0
    # … until an admin of the activity makes a new code (audited).
    new = checkin.rotate_code(org.admin_a, lecture)
    db.session.commit()
    assert lecture.checkin_locked_at is None and lecture.checkin_failures == 0
    assert _audited("activity.new_code") == 1
    outcome = checkin.check_in_with_code(org.learner_a, new)
    assert outcome.refusal is None and outcome.change.credit == 400


def test_per_person_limit_in_a_window(org, db, lecture, clock):
    for _ in range(3):
        checkin.check_in_with_code(org.learner_a, _wrong(lecture))
    db.session.commit()
    outcome = checkin.check_in_with_code(org.learner_a, lecture.checkin_code)  # right code, but throttled
    assert outcome.refusal is not None and "10" in outcome.refusal.messages[0]
    assert _audited("checkin.failed") == 3  # the refused try was not even looked at
    # Another person is not held up by it.
    assert checkin.check_in_with_code(org.contact_a, lecture.checkin_code).change.credit == 400
    clock.advance(minutes=11)
    assert checkin.check_in_with_code(org.learner_a, lecture.checkin_code).change.credit == 400


def test_failures_of_people_it_could_not_admit_do_not_count_against_an_activity(org, db, lecture):
    for _ in range(3):
        checkin.check_in_with_code(org.learner_c, _wrong(lecture))  # branch_c: not invited
    db.session.commit()
    assert lecture.checkin_failures == 0 and _audited("checkin.failed") == 3


def test_qr_token_valid_expired_forged_and_renewed(org, db, lecture, clock):
    token = checkin.qr_token(lecture)
    outcome = checkin.check_in_with_token(org.learner_a, token)
    assert outcome.refusal is None and outcome.change.credit == 400
    attendance = db.session.scalar(select(Attendance).where(Attendance.user_id == org.learner_a.id))
    assert attendance.method == AttendanceMethod.checkin
    # Expired after 90 seconds: a clear message, nothing recorded, not counted as a wrong code.
    token = checkin.qr_token(lecture)
    clock.advance(seconds=91)
    outcome = checkin.check_in_with_token(org.contact_a, token)
    assert outcome.refusal is not None and "过期" in outcome.refusal.messages[0]
    assert queries.year_total(org.contact_a.id, 2026) == 0 and _audited("checkin.bad_link") == 0
    # Forged: another activity's id under the old signature; counted and audited.
    token = checkin.qr_token(lecture)
    forged = token.replace(f"{lecture.id}.", f"{lecture.id + 1}.", 1)
    outcome = checkin.check_in_with_token(org.contact_a, forged)
    assert outcome.refusal is not None and "不是有效" in outcome.refusal.messages[0]
    assert _audited("checkin.bad_link") == 1
    # A new code ends the links made for the old one.
    checkin.rotate_code(org.admin_a, lecture)
    outcome = checkin.check_in_with_token(org.contact_a, token)
    assert outcome.refusal is not None and queries.year_total(org.contact_a.id, 2026) == 0


def test_qr_link_pages_check_in_the_signed_in_person(client, org, login, db, lecture, clock):
    login(org.admin_a)
    screen = client.get(f"/ledger/activities/{lecture.id}/screen").get_data(as_text=True)
    assert "js-checkin-qr" in screen and "http://localhost/ledger/checkin" in screen
    svg = client.get(f"/ledger/activities/{lecture.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<svg") and svg.headers["Cache-Control"] == "no-store"
    token = checkin.qr_token(lecture)
    login(org.learner_a)
    page = client.get(f"/ledger/checkin/link/{token}")
    assert page.status_code == 200 and "党课" in page.get_data(as_text=True)
    assert queries.year_total(org.learner_a.id, 2026) == 0  # the GET only shows the button
    response = client.post(f"/ledger/checkin/link/{token}")
    assert response.status_code == 302 and queries.year_total(org.learner_a.id, 2026) == 400
    clock.advance(minutes=5)
    expired = client.get(f"/ledger/checkin/link/{token}")
    assert expired.status_code == 400 and "过期" in expired.get_data(as_text=True)
    client.post("/logout")
    assert client.get(f"/ledger/checkin/link/{token}").status_code == 302  # to the sign-in page


def test_wrong_code_is_kept_although_the_check_in_is_refused(client, org, login, db, lecture):
    login(org.learner_a)
    page = client.post("/ledger/checkin", data={"code": _wrong(lecture)}).get_data(as_text=True)
    assert 'class="error"' in page
    db.session.rollback()
    assert _audited("checkin.failed") == 1 and db.session.get(type(lecture), lecture.id).checkin_failures == 1


def test_rotate_button_is_audited_and_unlocks(client, org, login, db, lecture):
    lecture.checkin_locked_at = NINE_LOCAL
    db.session.commit()
    login(org.admin_a)
    old = lecture.checkin_code
    screen = client.get(f"/ledger/activities/{lecture.id}/screen").get_data(as_text=True)
    assert 'class="notice" role="alert"' in screen and f"{old[:3]} {old[3:]}" not in screen
    assert client.post(f"/ledger/activities/{lecture.id}/code").status_code == 302
    db.session.expire_all()
    assert lecture.checkin_code != old and lecture.checkin_locked_at is None and _audited("activity.new_code") == 1
    login(org.learner_a)
    assert client.post(f"/ledger/activities/{lecture.id}/code").status_code == 403
