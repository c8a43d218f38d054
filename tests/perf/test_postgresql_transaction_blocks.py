"""On PostgreSQL, which statements run inside a transaction block: a heartbeat's usual write is one
statement run without one (db.compare_and_set), also when it creates the progress row; a
beat that grants writes in one transaction; the most visited pages read without BEGIN and COMMIT."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learnapp.materials.models import ReadingProgress, ReadingSession
from tests.helpers.engine_events import listening
from tests.helpers.materials import heartbeat, start_reading


@pytest.fixture
def postgres_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's reads come before its write lock instead")


class _Statements(list):
    """(statement, ran inside a transaction block?) of each statement while listening."""

    def after(self, conn, cursor, statement, parameters, context, executemany):
        from psycopg.pq import TransactionStatus

        status = conn.connection.dbapi_connection.info.transaction_status
        self.append((" ".join(statement.split()), status != TransactionStatus.IDLE))

    def writes(self):
        return [(s, in_block) for s, in_block in self if not s.startswith("SELECT")]


def test_a_beat_that_only_adds_time_writes_one_statement_outside_a_transaction(client, org, login, clock, db,
                                                                                postgres_only):
    material, session_id = start_reading(client, login, org.learner_a, minutes=30)
    clock.advance(seconds=30)
    assert heartbeat(client, session_id, 1).status_code == 200  # creates the progress row
    clock.advance(seconds=30)
    statements = _Statements()
    with listening(db.engine, after_cursor_execute=statements.after):
        assert heartbeat(client, session_id, 2).status_code == 200
    [(write, in_block)] = statements.writes()
    assert write.startswith("WITH beat AS (UPDATE reading_sessions") and "UPDATE reading_progress" in write
    assert not in_block and not any(in_block for _s, in_block in statements)
    db.session.expire_all()
    assert db.session.get(ReadingSession, session_id).last_seq == 2
    assert db.session.scalar(select(ReadingProgress.active_seconds)
                             .where(ReadingProgress.material_id == material.id)) == 60


def test_the_first_beat_of_a_material_creates_its_progress_in_the_same_one_statement(client, org, login, clock, db,
                                                                                    postgres_only):
    material, session_id = start_reading(client, login, org.learner_a, minutes=30)
    clock.advance(seconds=30)
    db.session.commit()  # the requests share the test's session: end what it read (a request starts with none)
    statements = _Statements()
    with listening(db.engine, after_cursor_execute=statements.after):
        assert heartbeat(client, session_id, 1).status_code == 200
    [(write, in_block)] = statements.writes()
    assert write.startswith("WITH beat AS (UPDATE reading_sessions") and "INSERT INTO reading_progress" in write
    assert not in_block
    db.session.expire_all()
    assert db.session.get(ReadingSession, session_id).last_seq == 1
    assert db.session.scalar(select(ReadingProgress.active_seconds)
                             .where(ReadingProgress.material_id == material.id)) == 30


def test_a_beat_that_grants_writes_in_one_transaction(client, org, login, clock, db, postgres_only):
    material, session_id = start_reading(client, login, org.learner_a, minutes=5)
    statements = _Statements()
    for seq in range(1, 11):  # the tenth beat completes the five minutes: a grant
        clock.advance(seconds=30)
        statements.clear()
        with listening(db.engine, after_cursor_execute=statements.after):
            assert heartbeat(client, session_id, seq).status_code == 200
    writes = statements.writes()
    assert any(s.startswith("INSERT INTO ledger_entries") for s, _in_block in writes)
    assert writes[0][0].startswith("UPDATE reading_sessions") and all(in_block for _s, in_block in writes), writes


def _in_a_block_per_statement(engine):
    """For each statement run while listening: True when it ran inside a transaction block."""
    from psycopg.pq import TransactionStatus

    seen: list[bool] = []

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append(conn.connection.dbapi_connection.info.transaction_status != TransactionStatus.IDLE)

    return seen, listening(engine, after_cursor_execute=after)
