"""SQLite writers: the write gate queues them (learnapp/sqlite_gate.py). That a writing request
reads the signed-in person before it takes the write lock is traced in
tests/perf/test_sqlite_write_lock.py."""

from __future__ import annotations

import threading

import pytest

from learnapp.sqlite_gate import GatedConnection


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
