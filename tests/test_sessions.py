"""Sessions the server can end: logout, password change, deactivation, idle and absolute limits."""

from __future__ import annotations

import pytest

from learnapp.accounts import services
from learnapp.db import db
from tests.factories import copy_of_browser


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
    response = client.post("/account/password", data={"current_password": "secret123", "new_password": "newpass123", "confirm": "newpass123"})
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
    temporary = services.reset_password(org.admin_a, org.learner_a)
    db.session.commit()
    client.post("/login", data={"login_id": "learner_a", "password": temporary})
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")


def test_passwords_are_hashed(org):
    assert org.learner_a.password_hash and "secret123" not in org.learner_a.password_hash


class TestThrottling:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute", "LOGIN_LIMIT_PER_ADDRESS": "6 per minute"}

    def test_per_account(self, client, org):
        for _ in range(3):
            assert client.post("/login", data={"login_id": "learner_a", "password": "wrong"}).status_code == 200
        assert client.post("/login", data={"login_id": "learner_a", "password": "wrong"}).status_code == 429
        # Even the right password waits now; another account from the same address still works.
        assert client.post("/login", data={"login_id": "learner_a", "password": "secret123"}).status_code == 429
        assert client.post("/login", data={"login_id": "learner_b", "password": "secret123"}).status_code == 302

    def test_per_address(self, client, org):
        for i in range(6):
            client.post("/login", data={"login_id": f"nobody{i}", "password": "wrong"})
        assert client.post("/login", data={"login_id": "learner_b", "password": "secret123"}).status_code == 429

    def test_successes_do_not_count(self, client, org):
        for _ in range(5):
            assert client.post("/login", data={"login_id": "learner_a", "password": "secret123"}).status_code == 302
            client.post("/logout")


class TestThrottlingSharedInRedis:
    """With several workers the counters must be shared: Flask-Limiter on the local Redis."""

    @pytest.fixture
    def app_config(self):
        import uuid

        return {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ACCOUNT": "2 per minute",
                "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
                # A prefix of our own so parallel or repeated runs never share counters.
                "RATELIMIT_KEY_PREFIX": f"learnapp-test-{uuid.uuid4().hex}"}

    def test_two_app_instances_share_the_count(self, app, org, base_config, app_config):
        import redis

        try:
            redis.Redis.from_url("redis://127.0.0.1:6379").ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        from learnapp import create_app

        # Two apps as two gunicorn workers would be: each request has its own context and session.
        worker_a = create_app({**base_config, **app_config}).test_client()
        worker_b = create_app({**base_config, **app_config}).test_client()
        assert worker_a.post("/login", data={"login_id": "learner_a", "password": "wrong"}).status_code == 200
        assert worker_b.post("/login", data={"login_id": "learner_a", "password": "wrong"}).status_code == 200
        assert worker_a.post("/login", data={"login_id": "learner_a", "password": "wrong"}).status_code == 429


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


def test_the_signed_in_person_roles_and_branch_come_in_one_statement(app, client, org, login):
    from tests.query_counter import count_queries

    login(org.admin_a)
    with count_queries() as counted:
        page = client.get("/account").get_data(as_text=True)
    assert org.branch_a.name in page
    reads = [s for s in counted.statements if "role_grants" in s or "FROM branches" in s or "FROM users" in s]
    assert len(reads) == 1 and "role_grants" in reads[0] and "branches" in reads[0], counted.report()
