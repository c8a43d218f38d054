"""Absolute URLs come from the configured external URL, never from the request's Host header, and
requests naming an untrusted host are refused (400)."""

from __future__ import annotations

from datetime import date, time

import pytest

from learnapp import create_app
from learnapp.db import db
from learnapp.ledger import activities
from learnapp.reports import certificates
from tests.helpers.ledger import sched


@pytest.fixture
def app_config():
    # localhost: the test client's own host (SERVER_NAME in the test configuration).
    return {"EXTERNAL_URL": "https://training.example.gov.cn/", "TRUSTED_HOSTS": ["training.example.gov.cn", "localhost"]}


def test_certificate_and_checkin_screen_print_the_external_url(client, org, login, db):
    cert = certificates.issue(org.committee_admin, org.learner_a, 2026)
    activity = activities.create_activity(org.admin_a, branch=org.branch_a, category="lecture", title="党课",
                                          schedule=sched(date(2026, 6, 15), time(9), time(11)))
    db.session.commit()
    login(org.admin_a)
    # Whatever trusted host the request came by, the printed address is the configured one.
    page = client.get(f"/reports/certificates/{cert.id}").get_data(as_text=True)
    assert f"https://training.example.gov.cn/reports/verify?code={cert.code}" in page and "http://localhost" not in page
    screen = client.get(f"/ledger/activities/{activity.id}/screen").get_data(as_text=True)
    assert "https://training.example.gov.cn/ledger/checkin" in screen and "http://localhost" not in screen
    assert client.get(f"/reports/certificates/{cert.id}", headers={"Host": "evil.example"}).status_code == 400


def test_untrusted_host_is_refused(client, org):
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "training.example.gov.cn"}).status_code == 200
    assert client.get("/login", headers={"Host": "127.0.0.1"}).status_code == 400  # not in the list given


def test_development_defaults(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    with app.app_context():
        db.create_all()  # the login page reads the site's language setting
    assert app.config["EXTERNAL_URL"] == "http://127.0.0.1:5000"
    assert set(app.config["TRUSTED_HOSTS"]) == {"localhost", "127.0.0.1"}
    client = app.test_client()
    # The browser tests' gunicorn on 127.0.0.1:<port>, and the test client's localhost.
    assert client.get("/login", headers={"Host": "127.0.0.1:8123"}).status_code == 200
    assert client.get("/login").status_code == 200
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    derived = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                          "SERVER_NAME": "study.example:8443", "PREFERRED_URL_SCHEME": "https"})
    assert derived.config["EXTERNAL_URL"] == "https://study.example:8443"
    assert "study.example" in derived.config["TRUSTED_HOSTS"]
    with pytest.raises(ValueError):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                    "EXTERNAL_URL": "https://x.example/learn"})
