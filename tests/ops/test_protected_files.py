"""Protected files after the permission check: sent by learnapp, or handed to nginx with
X-Accel-Redirect when ACCEL_REDIRECT is set (the nginx test shows nginx sending them)."""

from __future__ import annotations

import pytest

from learnapp.db import db
from tests.helpers.ledger import png_bytes, submit


@pytest.fixture
def evidence_id(org, clock):
    claim = submit(org.learner_a)
    db.session.commit()
    return claim.evidence[0].id


def test_without_the_setting_learnapp_sends_the_file(client, login, org, evidence_id):
    login(org.learner_a)
    response = client.get(f"/ledger/evidence/{evidence_id}")
    assert response.status_code == 200 and response.data == png_bytes()
    assert "X-Accel-Redirect" not in response.headers


def test_with_the_setting_nginx_is_told_which_file(app, client, login, org, evidence_id):
    app.config["ACCEL_REDIRECT"] = "/_protected/"
    login(org.learner_a)
    response = client.get(f"/ledger/evidence/{evidence_id}?download=1")
    assert response.status_code == 200 and response.data == b""
    target = response.headers["X-Accel-Redirect"]
    assert target.startswith("/_protected/evidence/")
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_permission_check_comes_first(app, client, login, org, evidence_id):
    app.config["ACCEL_REDIRECT"] = "/_protected/"
    login(org.learner_c)
    response = client.get(f"/ledger/evidence/{evidence_id}")
    assert response.status_code == 404 and "X-Accel-Redirect" not in response.headers
