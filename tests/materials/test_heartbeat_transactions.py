"""On PostgreSQL a heartbeat may write without a transaction block (db.compare_and_set): a
grant that fails still undoes the whole beat, and the connection goes back to the pool in the usual
mode. Which statements run inside a block: tests/perf/test_postgresql_transaction_blocks.py."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learnapp.ledger import services as ledger_services
from learnapp.ledger.models import LedgerEntry
from learnapp.materials.models import ReadingProgress, ReadingSession
from tests.helpers.materials import heartbeat, start_reading


@pytest.fixture
def postgres_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's reads come before its write lock instead")


def test_a_grant_that_fails_undoes_the_beat(app, client, org, login, clock, db, postgres_only, monkeypatch):
    material, session_id = start_reading(client, login, org.learner_a, minutes=5)
    for seq in range(1, 10):
        clock.advance(seconds=30)
        assert heartbeat(client, session_id, seq).status_code == 200
    db.session.commit()

    def grant_fails(*args, **kwargs):
        raise RuntimeError("the ledger is unavailable")

    monkeypatch.setattr(ledger_services, "grant", grant_fails)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    clock.advance(seconds=30)
    assert heartbeat(client, session_id, 10).status_code == 500
    db.session.expire_all()
    assert db.session.get(ReadingSession, session_id).last_seq == 9  # the compare-and-set went too
    assert db.session.scalar(select(ReadingProgress.active_seconds)
                             .where(ReadingProgress.material_id == material.id)) == 270
    assert db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.user_id == org.learner_a.id)) is None


def test_a_connection_goes_back_to_the_pool_in_transaction_mode(db, postgres_only):
    checked_out = db.engine.raw_connection()
    driver = checked_out.driver_connection
    driver.autocommit = True  # as a heartbeat left it
    checked_out.close()
    assert driver.autocommit is False
