"""Signing in and out: the same work for every account, and an audit entry for each event."""

from __future__ import annotations

import json
import statistics
import time

import pytest
from sqlalchemy import select

from learnapp.accounts import sign_in
from learnapp.audit.models import AuditEntry
from learnapp.db import db
from tests.helpers import factories


class TestEqualWork:
    @pytest.fixture
    def app_config(self):
        # Slow enough that the hash is most of a check, as scrypt is in production, and
        # unlike the dummy hash of old (PBKDF2 with 1000 rounds).
        return {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:20000"}

    def test_unknown_login_no_password_and_deactivated_take_as_long_as_a_wrong_password(self, app, org):
        """The only timing test of the suite: each way an attempt can fail, measured in turn in
        the same process, compared as a ratio of medians."""
        factories.make_user(org.branch_a, login_id="gone", active=False)
        nopass = factories.make_user(org.branch_a, login_id="nopass")
        nopass.password_hash = None
        db.session.commit()
        attempts = {
            "wrong password": ("learner_a", "not-the-password"),
            "unknown login": ("nobody-here", "not-the-password"),
            "no password": ("nopass", "not-the-password"),
            "deactivated, right password": ("gone", factories.PASSWORD),
        }
        times: dict[str, list[float]] = {name: [] for name in attempts}
        for _round in range(15):
            for name, (login_id, password) in attempts.items():
                started = time.perf_counter()
                outcome = sign_in.sign_in(login_id, password, address="127.0.0.1")
                times[name].append(time.perf_counter() - started)
                assert not outcome.signed_in
                db.session.rollback()
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, median in medians.items():
            ratio = median / medians["wrong password"]
            assert 0.5 < ratio < 2, (name, medians)


def _browser_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()


def test_a_sign_in_is_recorded_with_the_address_and_whether_the_device_is_known(app, org):
    client = _browser_at(app, "10.1.2.3")
    assert client.post("/login", data={"login_id": "learner_a", "password": factories.PASSWORD}).status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"login_id": "LEARNER_A", "password": factories.PASSWORD}).status_code == 302
    first, second = _entries("auth.sign_in")
    assert first.actor_id == org.learner_a.id and first.target_id == str(org.learner_a.id)
    assert first.branch_path == org.branch_a.path
    assert first.details["address"] == "10.1.2.3"
    assert (first.details["known_device"], second.details["known_device"]) == (False, True)


def test_a_failed_sign_in_is_recorded_with_the_login_tried_never_the_password(app, org):
    client = _browser_at(app, "10.9.8.7")
    client.post("/login", data={"login_id": "learner_a", "password": "Hunter2-my-guess"})
    client.post("/login", data={"login_id": "no-such-person", "password": "Another-guess-77"})
    known, unknown = _entries("auth.sign_in_failed")
    assert known.details["login_id"] == "learner_a" and known.details["reason"] == "wrong password"
    assert known.target_id == str(org.learner_a.id) and known.branch_path == org.branch_a.path
    assert known.actor_id is None and known.details["address"] == "10.9.8.7"
    assert unknown.details["login_id"] == "no-such-person" and unknown.details["reason"] == "unknown login"
    assert unknown.target_type == "sign_in" and unknown.branch_path is None
    for entry in (known, unknown):
        text = json.dumps(entry.details, ensure_ascii=False) + entry.summary
        assert "guess" not in text


def test_sign_out_and_a_password_change_are_recorded_with_the_address(app, org):
    client = _browser_at(app, "10.5.5.5")
    client.post("/login", data={"login_id": "learner_a", "password": factories.PASSWORD})
    new = "tea with milk at noon"
    assert client.post("/account/password", data={"current_password": factories.PASSWORD, "new_password": new,
                                                  "confirm": new}).status_code == 302
    assert client.post("/logout").status_code == 302
    [change] = _entries("user.password_change")
    [out] = _entries("auth.sign_out")
    assert change.details["address"] == out.details["address"] == "10.5.5.5"
    assert out.actor_id == org.learner_a.id
    assert new not in json.dumps(change.details, ensure_ascii=False)


def test_a_password_reset_is_recorded_with_the_admin_address(app, org, login):
    client = _browser_at(app, "10.7.7.7")
    client.post("/login", data={"login_id": org.admin_a.login_id, "password": factories.PASSWORD})
    assert client.post(f"/people/{org.learner_a.id}/password").status_code == 200
    [reset] = _entries("user.password_reset")
    assert reset.actor_id == org.admin_a.id and reset.details["address"] == "10.7.7.7"


def test_the_audit_chain_still_verifies_after_sign_ins(app, org):
    from learnapp.audit import verify_chain

    client = app.test_client()
    client.post("/login", data={"login_id": "learner_a", "password": "wrong-password"})
    client.post("/login", data={"login_id": "learner_a", "password": factories.PASSWORD})
    client.post("/logout")
    report = verify_chain()
    assert report.ok and report.checked >= 3
