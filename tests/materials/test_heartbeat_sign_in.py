"""The heartbeat checks the session cookie's claim in its own read (accounts.caller.with_caller): it
must refuse exactly what the person's usual check refuses, and credit nothing when it does."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learnapp.materials.models import MaterialStatus, ReadingProgress, ReadingSession
from tests.helpers.factories import copy_of_browser
from tests.helpers.materials import heartbeat, start_reading


def _reading(client, org, login, clock):
    material, session_id = start_reading(client, login, org.learner_a)
    clock.advance(seconds=30)
    return material, session_id


def _nothing_credited(db, session_id):
    db.session.expire_all()
    session = db.session.get(ReadingSession, session_id)
    assert (session.last_seq, session.active_seconds) == (0, 0)
    assert db.session.scalar(select(ReadingProgress.id).where(ReadingProgress.user_id == session.user_id)) is None


def _refused(response, status, code):
    assert (response.status_code, response.get_json()["error"]) == (status, code)


def test_a_copied_cookie_stops_beating_once_its_person_logs_out(app, client, org, login, clock, db):
    _material, session_id = _reading(client, org, login, clock)
    copy = copy_of_browser(client, app)
    client.post("/logout")  # a new session epoch: every copy of the old cookie is void
    _refused(heartbeat(copy, session_id, 1), 401, "login_required")
    _nothing_credited(db, session_id)


# The row changed under a cookie of the same epoch (deactivation renews the epoch as well).
@pytest.mark.parametrize("change, status, code", [({"active": False}, 401, "login_required"),
                                                  ({"must_change_password": True}, 403, "password_change_required")])
def test_a_person_changed_since_the_cookie_was_signed_stops_beating(app, client, org, login, clock, db,
                                                                    change, status, code):
    _material, session_id = _reading(client, org, login, clock)
    users = org.learner_a.__table__
    db.session.execute(users.update().where(users.c.id == org.learner_a.id).values(**change))
    db.session.commit()
    _refused(heartbeat(client, session_id, 1), status, code)
    _nothing_credited(db, session_id)


def test_another_persons_session_is_unknown(app, client, org, login, clock, db):
    _material, session_id = _reading(client, org, login, clock)
    other = app.test_client()
    assert other.post("/login", data={"login_id": org.learner_b.login_id, "password": "secret123"}).status_code == 302
    _refused(heartbeat(other, session_id, 1), 404, "unknown_session")
    _nothing_credited(db, session_id)


def test_a_session_past_the_idle_limit_is_ended(app, client, org, login, clock, db):
    _material, session_id = _reading(client, org, login, clock)
    clock.advance(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    response = heartbeat(client, session_id, 1)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    _nothing_credited(db, session_id)


def test_a_withdrawn_material_is_refused_as_the_persons_roles_decide(app, client, org, login, clock, db):
    material, session_id = _reading(client, org, login, clock)
    material.status = MaterialStatus.draft
    db.session.commit()
    _refused(heartbeat(client, session_id, 1), 404, "material_unavailable")
    _nothing_credited(db, session_id)


def test_a_withdrawn_material_read_by_an_editor_is_refused_for_what_it_is(app, client, org, login, clock, db):
    material, session_id = start_reading(client, login, org.committee_admin)
    clock.advance(seconds=30)
    material.status = MaterialStatus.draft
    db.session.commit()
    # The claimant's visibility check needs the person's roles: read, then refused as a draft.
    _refused(heartbeat(client, session_id, 1), 403, "material_unavailable")
    _nothing_credited(db, session_id)


@pytest.mark.parametrize("body", [{"seq": 1}, {"seq": "x"}, {"seq": 1, "at": "yesterday"}])
def test_every_way_out_of_the_heartbeat_checks_the_sign_in(app, client, org, login, clock, db, body):
    _material, session_id = _reading(client, org, login, clock)
    copy = copy_of_browser(client, app)
    client.post("/logout")
    response = copy.post(f"/api/reading/sessions/{session_id}/heartbeat", json=body)
    _refused(response, 401, "login_required")
    _nothing_credited(db, session_id)



def test_starting_and_closing_check_the_sign_in(app, client, org, login, clock, db):
    material, session_id = _reading(client, org, login, clock)
    users = org.learner_a.__table__
    db.session.execute(users.update().where(users.c.id == org.learner_a.id).values(active=False))
    db.session.commit()
    _refused(client.post("/api/reading/sessions", json={"material_id": material.id}), 401, "login_required")
    _refused(client.post(f"/api/reading/sessions/{session_id}/close"), 401, "login_required")
    db.session.expire_all()
    assert db.session.get(ReadingSession, session_id).closed_at is None
