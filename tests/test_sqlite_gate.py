"""SQLite writers: the write gate queues them, and a writing request reads the signed-in person
before it takes the write lock (learnapp/sqlite_gate.py, db.reads_before_transaction)."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest

from learnapp.sqlite_gate import GatedConnection
from tests.engine_events import listening


@pytest.fixture
def sqlite_only(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")


def test_the_engine_uses_gated_connections(app, db, sqlite_only):
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert isinstance(raw, GatedConnection)
        assert raw._gate_path == db.engine.url.database + ".write-gate"


def test_a_second_writer_waits_for_the_gate_until_the_first_commits(tmp_path):
    path = str(tmp_path / "gate.db")
    first = GatedConnection(path, isolation_level=None)
    second = GatedConnection(path, isolation_level=None, check_same_thread=False)
    first.execute("CREATE TABLE t (n INTEGER)")
    first.take_gate(1)
    first.execute("BEGIN IMMEDIATE")
    first.execute("INSERT INTO t VALUES (1)")
    took = threading.Event()

    def write():
        second.take_gate(5)
        took.set()
        second.execute("BEGIN IMMEDIATE")
        second.execute("INSERT INTO t VALUES (2)")
        second.commit()

    worker = threading.Thread(target=write)
    worker.start()
    # The second writer cannot pass the gate while the first holds it (a bounded wait, no sleep).
    assert not took.wait(0.2)
    first.commit()
    worker.join(5)
    assert took.is_set() and [r[0] for r in first.execute("SELECT n FROM t ORDER BY n")] == [1, 2]
    first.close()
    second.close()


def test_rollback_and_close_release_the_gate(tmp_path):
    path = str(tmp_path / "gate.db")
    first, second = GatedConnection(path, isolation_level=None), GatedConnection(path, isolation_level=None)
    first.take_gate(1)
    first.execute("BEGIN IMMEDIATE")
    first.rollback()
    second.take_gate(0)
    assert second._gate_held
    second.close()
    first.take_gate(0)
    assert first._gate_held
    first.close()


def test_a_gate_not_obtained_in_time_leaves_the_wait_to_sqlite(tmp_path):
    path = str(tmp_path / "gate.db")
    first, second = GatedConnection(path, isolation_level=None), GatedConnection(path, isolation_level=None)
    first.take_gate(1)
    second.take_gate(0)  # no wait: gives up at once
    assert first._gate_held and not second._gate_held
    first.close()
    second.close()


@contextmanager
def sqlite_trace(engine):
    """Every statement SQLite itself runs while the block runs, BEGINs included (they go to the
    driver directly, past SQLAlchemy's statement events), in order."""
    seen: list[str] = []

    def on_checkout(dbapi_connection, record, proxy):
        dbapi_connection.set_trace_callback(lambda sql: seen.append(" ".join(sql.split())))

    def on_checkin(dbapi_connection, record):
        dbapi_connection.set_trace_callback(None)

    with listening(engine, checkout=on_checkout, checkin=on_checkin):
        yield seen


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
