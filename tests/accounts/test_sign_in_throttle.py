"""Sign-in throttling: counters shared by every worker and kept across restarts (the database, or
Redis), the owner's device let in while strangers wait, the client address behind a proxy."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from learnapp import create_app
from learnapp.accounts.devices import COOKIE_NAME
from learnapp.audit.models import AuditEntry
from learnapp.db import db
from tests.helpers import factories
from tests.helpers.client import FreshRequestClient

LIMITS = {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute", "LOGIN_LIMIT_PER_ADDRESS": "6 per minute"}
RIGHT = factories.PASSWORD


def _post(client, login_id: str, password: str, address: str | None = None, forwarded: str | None = None):
    environ = {"REMOTE_ADDR": address} if address else {}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/login", data={"login_id": login_id, "password": password}, environ_overrides=environ,
                       headers=headers)


def _fail(client, login_id: str = "learner_a", times: int = 3, **where) -> None:
    for _ in range(times):
        assert _post(client, login_id, "wrong-password", **where).status_code == 200


def _owner_device(app):
    """A browser where learner_a signed in before: it holds the device cookie."""
    owner = app.test_client()
    assert _post(owner, "learner_a", RIGHT).status_code == 302
    owner.post("/logout")
    return owner


class TestInTheDatabase:
    @pytest.fixture
    def app_config(self):
        return {**LIMITS, "RATELIMIT_STORAGE": "database"}

    def test_a_stranger_is_held_after_the_limit_even_with_the_right_password(self, client, org):
        _fail(client)
        response = _post(client, "learner_a", RIGHT)
        assert response.status_code == 429
        assert _post(client, "learner_b", RIGHT).status_code == 302  # another account is not held

    def test_the_window_ends(self, client, org, clock):
        _fail(client)
        clock.advance(seconds=61)
        assert _post(client, "learner_a", RIGHT).status_code == 302

    def test_successes_do_not_count(self, client, org):
        for _ in range(5):
            assert _post(client, "learner_a", RIGHT).status_code == 302
            client.post("/logout")

    def test_per_address_for_strangers(self, client, org):
        for i in range(6):
            _post(client, f"nobody{i}", "wrong-password")
        assert _post(client, "learner_b", RIGHT).status_code == 429
        assert _post(client, "learner_b", RIGHT, address="10.0.0.99").status_code == 302

    def test_the_owner_gets_in_from_a_known_device_while_strangers_wait(self, app, org):
        owner = _owner_device(app)
        stranger = app.test_client()
        stranger.environ_base["REMOTE_ADDR"] = "10.6.6.6"
        _fail(stranger)
        assert _post(stranger, "learner_a", RIGHT).status_code == 429
        assert _post(owner, "learner_a", RIGHT).status_code == 302
        owner.post("/logout")
        # The known device has a window of its own: guessing from it is held too.
        _fail(owner)
        assert _post(owner, "learner_a", RIGHT).status_code == 429
        assert _post(stranger, "learner_a", RIGHT).status_code == 429

    def test_a_device_cookie_counts_only_for_its_own_person_and_only_when_signed(self, app, org):
        other = app.test_client()
        assert _post(other, "learner_b", RIGHT).status_code == 302  # a cookie for learner_b
        other.post("/logout")
        forged = app.test_client()
        forged.set_cookie(COOKIE_NAME, "eyJ1c2VyIjogMX0.forged.signature")
        _fail(forged)
        assert _post(other, "learner_a", RIGHT).status_code == 429  # learner_b's device is a stranger here
        assert _post(forged, "learner_a", RIGHT).status_code == 429

    def test_the_device_cookie_is_signed_long_lived_and_http_only(self, app, org, client):
        response = _post(client, "learner_a", RIGHT)
        cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE_NAME + "="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
        assert f"Max-Age={180 * 86400}" in cookie
        app.config["SESSION_COOKIE_SECURE"] = True
        client.post("/logout")
        secure = next(h for h in _post(client, "learner_a", RIGHT).headers.getlist("Set-Cookie")
                      if h.startswith(COOKIE_NAME + "="))
        assert "Secure" in secure

    def test_a_throttled_attempt_is_recorded_once_per_window(self, app, client, org, clock):
        app.config["LOGIN_LIMIT_PER_ADDRESS"] = "100 per minute"  # only the login's window fills
        _fail(client)
        for _ in range(5):
            assert _post(client, "learner_a", RIGHT).status_code == 429
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.sign_in_throttled")).all()
        assert len(entries) == 1, [(e.summary, e.details) for e in entries]
        assert entries[0].details["login_id"] == "learner_a"
        assert entries[0].target_id == str(org.learner_a.id)

    def test_two_workers_share_the_count_and_a_restart_keeps_it(self, app, org, base_config, app_config, clock):
        def worker():
            other = create_app({**base_config, **app_config})
            other.extensions["learnapp.clock"] = clock
            other.test_client_class = FreshRequestClient
            return other.test_client()

        first, second = worker(), worker()
        assert _post(first, "learner_a", "wrong-password").status_code == 200
        assert _post(second, "learner_a", "wrong-password").status_code == 200
        assert _post(first, "learner_a", "wrong-password").status_code == 200
        assert _post(second, "learner_a", RIGHT).status_code == 429
        restarted = worker()
        assert _post(restarted, "learner_a", RIGHT).status_code == 429


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self):
        return {**LIMITS, "LOGIN_LIMIT_PER_ACCOUNT": "100 per minute", "PROXY_COUNT": 1}

    def test_the_forwarded_address_is_the_client_with_a_proxy_count(self, client, org):
        for i in range(6):
            _post(client, f"nobody{i}", "wrong-password", forwarded="203.0.113.7")
        assert _post(client, "learner_b", RIGHT, forwarded="203.0.113.7").status_code == 429
        assert _post(client, "learner_b", RIGHT, forwarded="203.0.113.8").status_code == 302
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.sign_in")).one()
        assert entry.details["address"] == "203.0.113.8"


class TestWithoutAProxyCount:
    @pytest.fixture
    def app_config(self):
        return {**LIMITS, "LOGIN_LIMIT_PER_ACCOUNT": "100 per minute"}

    def test_x_forwarded_for_is_ignored(self, client, org):
        # Anyone can send the header: without a proxy it would give every attempt a new address.
        for i in range(6):
            _post(client, f"nobody{i}", "wrong-password", forwarded=f"198.51.100.{i}")
        assert _post(client, "learner_b", RIGHT, forwarded="198.51.100.200").status_code == 429
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.sign_in_failed")).all()
        assert {entry.details["address"] for entry in entries} == {"127.0.0.1"}


def _redis_or_skip(url: str):
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    return client


class TestInRedis:
    URL = "redis://127.0.0.1:6379/15"

    @pytest.fixture
    def app_config(self):
        # A database number and a key prefix of our own, so parallel runs never share counters.
        return {**LIMITS, "RATELIMIT_STORAGE": self.URL, "RATELIMIT_KEY_PREFIX": f"learnapp-test-{uuid.uuid4().hex}"}

    @pytest.fixture(autouse=True)
    def _clean(self, app_config):
        redis = _redis_or_skip(self.URL)
        yield
        for key in redis.scan_iter(f"{app_config['RATELIMIT_KEY_PREFIX']}:*"):
            redis.delete(key)

    def test_two_workers_share_the_count_in_redis_and_nothing_in_the_database(self, app, org, base_config, app_config):
        from learnapp.throttle import ThrottleCounter

        first = create_app({**base_config, **app_config}).test_client()
        second = create_app({**base_config, **app_config}).test_client()
        _fail(first, times=2)
        _fail(second, times=1)
        assert _post(first, "learner_a", RIGHT).status_code == 429
        assert _post(create_app({**base_config, **app_config}).test_client(), "learner_a", RIGHT).status_code == 429
        assert db.session.scalars(select(ThrottleCounter)).all() == []

    def test_the_owner_gets_in_from_a_known_device(self, app, org):
        owner = _owner_device(app)
        stranger = app.test_client()
        _fail(stranger)
        assert _post(stranger, "learner_a", RIGHT).status_code == 429
        assert _post(owner, "learner_a", RIGHT).status_code == 302
