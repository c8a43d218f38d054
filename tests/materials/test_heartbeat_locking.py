"""A heartbeat reads without locks (on SQLite before it takes the database's write lock) and a beat
whose session moved between its read and its write runs again (reading.heartbeat,
reading.store.BeatWriter, db.reads_before_write_lock). Where SQLite's write lock is taken is traced in
tests/perf/test_sqlite_write_lock.py."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from learnapp.clock import to_local
from learnapp.ledger import queries as ledger_queries
from learnapp.ledger import services as ledger_services
from learnapp.materials.models import ReadingProgress, ReadingSession
from learnapp.materials.reading import store
from learnapp.security import SYSTEM
from tests.helpers.materials import heartbeat, make_material, reading_after_a_beat, rules_text


def _as_another_worker(db, sql: str, *params) -> None:
    """Run `sql` (`?` for each parameter) on a connection of its own, committed at once, past the
    application's transaction and its events."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(sql.replace("?", "?" if db.engine.dialect.name == "sqlite" else "%s"), params)
        raw.commit()
    finally:
        raw.close()


def _another_worker_after_the_first_read(monkeypatch, db, sql: str, *params) -> None:
    """Right after the beat's first read of its session (and only then), another worker runs `sql`."""
    read_beat, done = store.beat_row, []

    def read_then_another_worker_writes(caller, session_id, day):
        row = read_beat(caller, session_id, day)
        if not done:
            _as_another_worker(db, sql, *params)
            done.append(session_id)
        return row

    monkeypatch.setattr(store, "beat_row", read_then_another_worker_writes)


def test_a_beat_whose_session_moved_after_its_read_is_done_again(app, client, org, login, clock, db, monkeypatch):
    material, session_id = reading_after_a_beat(client, org, login, clock, db)
    before = db.session.scalar(select(ReadingProgress.active_seconds).where(ReadingProgress.material_id == material.id))
    db.session.commit()  # outside a request the test's own reads take the write lock
    # The same beat (seq 2), sent twice, accepted by another worker right after this one's read.
    _another_worker_after_the_first_read(
        monkeypatch, db, "UPDATE reading_sessions SET last_seq = 2, beats = beats + 1 WHERE id = ?", session_id)
    response = heartbeat(client, session_id, 2)
    # Read again under the lock, the beat is seen for what it is: already received.
    assert response.status_code == 409 and response.get_json()["error"] == "replayed"
    db.session.expire_all()
    session = db.session.get(ReadingSession, session_id)
    assert (session.last_seq, session.beats) == (2, 2)  # the other worker's beat, once
    after = db.session.scalar(select(ReadingProgress.active_seconds).where(ReadingProgress.material_id == material.id))
    assert after == before


def test_a_beat_of_a_session_closed_after_its_read_credits_nothing(app, client, org, login, clock, db, monkeypatch):
    material, session_id = reading_after_a_beat(client, org, login, clock, db)
    # A new tab of the same person, opened right after this beat's read.
    _another_worker_after_the_first_read(
        monkeypatch, db, "UPDATE reading_sessions SET closed_at = '2026-01-01 00:00:00', close_reason = 'superseded' "
        "WHERE id = ?", session_id)
    response = heartbeat(client, session_id, 2)
    assert response.status_code == 409 and response.get_json()["error"] == "superseded"
    db.session.expire_all()
    assert db.session.get(ReadingSession, session_id).last_seq == 1


def test_a_session_moved_at_every_read_gets_the_answer_to_a_beat_too_soon(app, client, org, login, clock, db,
                                                                          monkeypatch):
    material, session_id = reading_after_a_beat(client, org, login, clock, db)
    db.session.commit()
    read_beat = store.beat_row

    def read_then_another_beat_lands(caller, sid, day):
        row = read_beat(caller, sid, day)
        if db.engine.dialect.name == "sqlite" and row.last_seq > 1:
            return row  # SQLite's second run reads under the write lock: nothing can land
        _as_another_worker(db, "UPDATE reading_sessions SET last_seq = last_seq + 1 WHERE id = ?", sid)
        return row

    monkeypatch.setattr(store, "beat_row", read_then_another_beat_lands)
    response = heartbeat(client, session_id, 9)
    if db.engine.dialect.name == "sqlite":
        assert response.status_code == 200  # the second run, under the lock, counts
    else:
        assert response.status_code == 429 and response.get_json()["error"] == "too_soon"
        db.session.expire_all()
        assert db.session.get(ReadingSession, session_id).last_seq == 3  # only the other two landed


def test_a_grant_sees_online_credit_that_came_in_after_the_read(app, client, org, login, clock, db, monkeypatch):
    ledger_services.save_rules(SYSTEM, rules_text(clock.now().year, daily_online="1"), source_name="rules.yaml")
    material = make_material(minutes=5)  # 0.25 学时 once 300 s are counted
    db.session.commit()
    login(org.learner_a)
    session_id = client.post("/api/reading/sessions", json={"material_id": material.id}).get_json()["session"]
    for seq in range(1, 10):
        clock.advance(seconds=30)
        assert heartbeat(client, session_id, seq).get_json()["granted_hundredths"] == 0
    learner_id = org.learner_a.id
    db.session.commit()  # outside a request the test's own reads take the write lock
    today = to_local(clock.now() + timedelta(seconds=30)).date()
    # A test passed in another tab, say, right after this beat's read: the day's cap of 1 学时 is used up.
    _another_worker_after_the_first_read(
        monkeypatch, db, "INSERT INTO ledger_entries (user_id, year, occurred_on, category, credit_hundredths, "
        "source_type, created_at) VALUES (?, ?, ?, 'online_reading', 100, 'adjustment', ?)",
        learner_id, today.year, today.isoformat(), "2026-06-15 02:00:00")
    clock.advance(seconds=30)
    answer = heartbeat(client, session_id, 10).get_json()
    assert answer["ok"] and answer["capped"] and answer["granted_now"] == 0
    db.session.expire_all()
    assert ledger_queries.online_credit_on(learner_id, today) == 100  # the cap, not 125
