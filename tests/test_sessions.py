"""Sessions the server can end: logout, password change, deactivation, idle and absolute limits."""

from __future__ import annotations

from learnapp.accounts import passwords, services
from learnapp.db import db
from tests.helpers.factories import copy_of_browser


def test_logout_ends_a_copied_cookie(app, client, org, login):
    login(org.learner_a)
    thief = copy_of_browser(client, app)
    assert thief.get("/").status_code == 200
    client.post("/logout")
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_ends_other_sessions_but_not_this_one(app, client, org, login):
    login(org.learner_a)
    other = app.test_client()
    other.post("/login", data={"login_id": "learner_a", "password": "secret123"})
    response = client.post("/account/password", data={"current_password": "secret123", "new_password": "a walk by the river", "confirm": "a walk by the river"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_deactivation_ends_sessions(app, client, org, login):
    login(org.learner_a)
    services.set_active(org.admin_a, org.learner_a, False)
    db.session.commit()
    assert client.get("/").status_code == 302
    response = client.post("/login", data={"login_id": "learner_a", "password": "secret123"})
    assert response.status_code == 200  # refused: deactivated


def test_idle_timeout(client, org, login, clock, app):
    login(org.learner_a)
    clock.advance(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    assert client.get("/").status_code == 200
    clock.advance(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    assert client.get("/").status_code == 302


def test_absolute_lifetime(client, org, login, clock, app):
    login(org.learner_a)
    for _ in range(app.config["SESSION_ABSOLUTE_HOURS"]):
        clock.advance(minutes=59)
        client.get("/")  # active all the time
    clock.advance(minutes=app.config["SESSION_ABSOLUTE_HOURS"] + 1)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_reset_forces_a_change_at_next_login(client, org, login):
    temporary = passwords.reset_password(org.admin_a, org.learner_a)
    db.session.commit()
    client.post("/login", data={"login_id": "learner_a", "password": temporary})
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")


def test_passwords_are_hashed(org):
    assert org.learner_a.password_hash and "secret123" not in org.learner_a.password_hash


# Sign-in throttling: tests/accounts/test_sign_in_throttle.py


def test_the_cookie_is_sent_again_only_when_the_session_changes(client, org, login, clock):
    """Every response used to re-sign the cookie; now only a changed session is sent, and the
    idle clock (`seen_at`) moves at most every SESSION_SEEN_REFRESH_SECONDS (a reading page's
    heartbeats, every 30 s, mostly send no cookie), which is what re-sends it."""
    refresh = client.application.config["SESSION_SEEN_REFRESH_SECONDS"]
    login(org.learner_a)
    client.get("/account")  # the first page may add the CSRF secret to the session
    assert "Set-Cookie" not in client.get("/account").headers
    clock.advance(seconds=refresh - 10)
    assert "Set-Cookie" not in client.get("/account").headers
    clock.advance(seconds=20)
    assert "session=" in client.get("/account").headers["Set-Cookie"]
    assert "Set-Cookie" not in client.get("/account").headers
