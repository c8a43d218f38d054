"""Smaller hardening: numbers too large for the database, HSTS, Permissions-Policy, the instance
config file's mode, and `make run`'s warning about the demo password."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from learnapp import instance_setup

BIG = "99999999999999999999"  # 20 digits: past any integer column
PAST_INTEGER = str(2**31)  # fits Python and SQLite, not PostgreSQL's `integer`
PARAMETERS = ("page", "year", "branch", "category", "parent", "seed", "difficulty", "period", "kind", "status")


def _get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            yield rule


class TestNumbersTooLarge:
    @pytest.fixture
    def app_config(self):
        return {"PROPAGATE_TEST_ERRORS": False}  # a 500 shows as a response, so all are listed

    def test_no_page_fails_on_a_huge_number_in_the_path_or_a_parameter(self, app, client, org, login):
        login(org.committee_admin)
        failures = []
        for rule in _get_routes(app):
            if rule.arguments:
                # Every <int:...> a huge number, anything else a word.
                urls = [re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>",
                               lambda m: BIG if m.group(1) == "int" else "x", rule.rule)]
            else:
                urls = [f"{rule.rule}?{name}={BIG}" for name in PARAMETERS]
            for url in urls:
                status = client.get(url).status_code
                if status >= 500:
                    failures.append((url, status))
        assert failures == []

    @pytest.mark.parametrize("number", [BIG, PAST_INTEGER])
    def test_an_id_past_the_integer_range_is_not_found(self, client, org, login, number):
        login(org.committee_admin)
        assert client.get(f"/people/{number}").status_code == 404
        assert client.get(f"/org/branches/{number}").status_code == 404

    def test_a_numeric_parameter_past_the_range_is_a_bad_request(self, client, org, login):
        login(org.committee_admin)
        assert client.get(f"/people/?page={BIG}").status_code == 400
        assert client.get(f"/audit/?page={PAST_INTEGER}").status_code == 400
        assert client.get("/audit/?page=2").status_code == 200
        assert client.get("/audit/?page=abc").status_code == 200  # not a number: the default, as before

    def test_a_form_value_past_the_range_is_a_bad_request(self, client, org, login):
        login(org.committee_admin)
        response = client.get(f"/people/?branch={BIG}")
        assert response.status_code in (200, 400)  # a filter form: refused or ignored, never a 500


def test_permissions_policy_on_every_page(client, org):
    policy = client.get("/login").headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_no_hsts_without_secure_cookies(client, org):
    assert "Strict-Transport-Security" not in client.get("/login").headers


class TestSecureCookies:
    @pytest.fixture
    def app_config(self):
        return {"SESSION_COOKIE_SECURE": True}

    def test_hsts_when_cookies_are_secure(self, client, org):
        assert client.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_instance_config_is_written_for_the_owner_only(tmp_path, monkeypatch):
    monkeypatch.setattr(instance_setup, "INSTANCE", tmp_path / "instance")
    instance_setup.main()
    config = tmp_path / "instance" / "config.py"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600 and "SECRET_KEY" in config.read_text()


def test_an_existing_instance_config_readable_by_others_is_narrowed(tmp_path, monkeypatch):
    monkeypatch.setattr(instance_setup, "INSTANCE", tmp_path)
    config = tmp_path / "config.py"
    config.write_text("SECRET_KEY = 'x'\n")
    config.chmod(0o644)
    instance_setup.main()
    text = config.read_text()
    assert stat.S_IMODE(config.stat().st_mode) == 0o600 and text.startswith("SECRET_KEY = 'x'\n") and "AUDIT_HMAC_KEY" in text


def test_make_run_warns_that_the_demo_password_is_public():
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "demo2026" in run and "never" in run and "WARNING" in run
