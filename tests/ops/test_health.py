"""/healthz: 200 with every check passing, 503 naming the failing check, nothing secret in it;
request ids from the proxy reach the response, the JSON log lines and the audit entries."""

from __future__ import annotations

import json
import logging

import pytest
from flask import g
from sqlalchemy import select, text

from learnapp import audit
from learnapp.actors import SYSTEM
from learnapp.audit.models import AuditEntry
from learnapp.ops import logs
from learnapp.ops.health import migration_heads


@pytest.fixture
def at_head(app, db):
    """The test schema is noted at the newest migration (tests/conftest.py); put back if a test moved it."""
    yield
    db.session.rollback()
    db.session.execute(text("DELETE FROM alembic_version"))
    for head in migration_heads():
        db.session.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})
    db.session.commit()


def test_healthy_site_answers_200_without_sign_in(client, at_head):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "uploads": "ok",
                                                          "redis": "not configured"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_schema_behind_the_code_is_503(client, db, at_head):
    db.session.execute(text("UPDATE alembic_version SET version_num = 'plan_d4p7q2'"))
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["migrations"] == "failing"
    assert response.json["checks"]["database"] == "ok"


def test_unwritable_upload_store_is_503(client, app, at_head, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    app.config["UPLOAD_FOLDER"] = str(blocker)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["uploads"] == "failing"
    assert str(tmp_path) not in response.get_data(as_text=True), "paths stay in the log"


def test_unreachable_redis_is_503_and_the_answer_names_no_address(client, app, at_head):
    app.config["RATELIMIT_STORAGE"] = "redis://:secret-password@127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"] == "failing"
    body = response.get_data(as_text=True)
    assert "secret-password" not in body and "127.0.0.1" not in body


def test_healthz_is_not_rate_limited(app, client, at_head):
    app.config["RATELIMIT_ENABLED"] = True
    assert all(client.get("/healthz").status_code == 200 for _ in range(50))


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_config", [{"LOG_FORMAT": "json"}], indirect=True)
def test_json_logs_carry_the_proxys_request_id(client, at_head, capsys, org, login):
    logging.getLogger().handlers[0].stream = __import__("sys").stderr  # the captured stream
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-0123abcd"})
    assert response.headers["X-Request-ID"] == "nginx-0123abcd"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == logs.ACCESS_LOGGER]
    assert access and access[-1]["request_id"] == "nginx-0123abcd"
    assert access[-1]["status"] == 200 and access[-1]["path"] == "/healthz"


@pytest.mark.parametrize("app_config", [{"LOG_FORMAT": "json"}], indirect=True)
def test_a_request_id_that_could_bend_log_lines_is_replaced(client, at_head):
    response = client.get("/healthz", headers={"X-Request-ID": 'x" {"level":"error"}'})
    assert response.headers["X-Request-ID"] != 'x" {"level":"error"}'
    assert len(response.headers["X-Request-ID"]) == 32


def test_the_audit_entry_keeps_the_request_id(app, client, db, org, login):
    login(org.committee_admin)
    with app.test_request_context("/", headers={"X-Request-ID": "req-42"}):
        g.pop("request_id", None)  # the test's app context outlives requests; a server's does not
        audit.record(org.committee_admin, "user.update", org.learner_a, summary="x")
        db.session.commit()
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.request_id == "req-42"
    from learnapp.audit.chain import verify_chain

    assert verify_chain().ok
    # The id is part of what the entry's hash covers.
    entry.request_id = "req-43"
    db.session.commit()
    assert not verify_chain().ok


def test_commands_write_no_request_id(app, db, org):
    audit.record(SYSTEM, "user.update", org.learner_a, summary="from the command line")
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.request_id is None


def test_static_urls_carry_their_content_version(app, client):
    with app.test_request_context():
        from flask import url_for

        url = url_for("static", filename="css/app.css")
    assert "?v=" in url and len(url.split("?v=")[1]) == 12
    assert client.get(url).status_code == 200
