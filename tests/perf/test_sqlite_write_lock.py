"""Where SQLite's write lock is taken, traced statement by statement: a request reads the signed-in
person before BEGIN IMMEDIATE, a reading request reads in one deferred transaction, and a heartbeat
takes the lock only at its first write (never when it is refused)."""

from __future__ import annotations

import pytest

from tests.helpers.engine_events import sqlite_trace
from tests.helpers.materials import heartbeat, reading_after_a_beat


@pytest.fixture
def sqlite_only(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: its write lock is one for the whole database")


def test_a_writing_request_reads_the_person_before_taking_the_write_lock(app, db, client, login, org, sqlite_only):
    login(org.learner_a)
    with sqlite_trace(db.engine) as statements:
        assert client.post("/language", data={"locale": "en"}).status_code == 302
    person = next(i for i, s in enumerate(statements) if "FROM users" in s)
    assert not any(s.startswith("BEGIN") for s in statements[:person]), statements  # read in autocommit
    begin = statements.index("BEGIN IMMEDIATE")
    write = next(i for i, s in enumerate(statements) if s.startswith("UPDATE users"))
    assert person < begin < write, statements
    assert statements.count("BEGIN IMMEDIATE") == 1 and not any(s == "BEGIN" for s in statements), statements


def test_a_reading_request_reads_in_one_deferred_transaction(app, db, client, login, org, sqlite_only):
    login(org.learner_a)
    with sqlite_trace(db.engine) as statements:
        assert client.get("/quizzes/").status_code == 200  # the person, then the quizzes open to them
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN"], statements
    assert next(i for i, s in enumerate(statements) if "FROM users" in s) < statements.index("BEGIN"), statements


def test_the_write_lock_waits_for_the_requests_next_statement(app, db, org, sqlite_only):
    """After reads_before_transaction() nothing is locked: BEGIN IMMEDIATE goes right before the request's
    next statement, so the write lock is not held through the work between the two."""
    from sqlalchemy import select

    from learnapp.accounts.models import User
    from learnapp.db import reads_before_transaction

    with app.test_request_context("/anything", method="POST"), sqlite_trace(db.engine) as statements:
        with reads_before_transaction():
            db.session.execute(select(User.__table__.c.id).limit(1)).all()
        assert statements and not any(s.startswith("BEGIN") for s in statements), statements
        db.session.execute(select(User.__table__.c.name).limit(1)).all()
        assert statements[-2] == "BEGIN IMMEDIATE" and statements[-1].startswith("SELECT users.name"), statements
        db.session.rollback()


def test_the_write_lock_is_taken_at_the_beats_first_write(app, client, org, login, clock, db, sqlite_only):
    _material, session_id = reading_after_a_beat(client, org, login, clock, db)
    with sqlite_trace(db.engine) as statements:
        assert heartbeat(client, session_id, 2).status_code == 200
    begin = statements.index("BEGIN IMMEDIATE")
    beat_read = next(i for i, s in enumerate(statements) if s.startswith("SELECT reading_sessions."))
    assert beat_read < begin, statements
    assert statements[begin + 1].startswith("UPDATE reading_sessions"), statements
    assert not any(s.startswith("SELECT credit_rule_sets") for s in statements[begin:]), "rules are read before"
    assert statements.count("BEGIN IMMEDIATE") == 1 and "BEGIN" not in statements, statements


def test_a_refused_beat_never_takes_the_write_lock(app, client, org, login, clock, db, sqlite_only):
    _material, session_id = reading_after_a_beat(client, org, login, clock, db)
    with sqlite_trace(db.engine) as statements:
        response = heartbeat(client, session_id, 1)  # already received
    assert response.status_code == 409 and response.get_json()["error"] == "replayed"
    assert not any(s.startswith("BEGIN") for s in statements), statements
