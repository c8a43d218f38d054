"""The heartbeat's plain-row reads and writes agree with the ORM and the ledger, also when another
request changes the rows between them. What the hot path costs in statements:
tests/perf/test_heartbeat_statements.py."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import select

from learnapp.accounts.caller import Caller
from learnapp.ledger import queries as ledger_queries
from learnapp.ledger import services as ledger_services
from learnapp.ledger.models import Category
from learnapp.materials import reading
from learnapp.materials.models import ReadingProgress, ReadingSession
from learnapp.security import SYSTEM
from tests.helpers.materials import heartbeat, make_material, stored_progress


def test_a_progress_row_that_appears_after_the_beat_read_it_missing_gets_the_time(client, org, login, clock, db,
                                                                                   monkeypatch):
    """Another request creates the person's progress row between the beat's read and its write:
    the beat writes nothing, reads again and adds its time to that row (no second row, no error)."""
    from learnapp.materials.reading import store

    material = make_material(minutes=30)
    db.session.commit()
    login(org.learner_a)
    session_id = client.post("/api/reading/sessions", json={"material_id": material.id}).get_json()["session"]
    read_beat, reads = store.beat_row, []

    engine, row = db.engine, {"user_id": org.learner_a.id, "material_id": material.id}

    def other_request():
        with engine.begin() as other:
            other.execute(ReadingProgress.__table__.insert().values(
                **row, year=2026, active_seconds=100,
                counted_seconds=100, granted_hundredths=0, credited_hundredths=0, granted_seconds=0,
                target_hundredths=100, grants=0))

    def row_created_meanwhile(*args):
        beat = read_beat(*args)
        if not reads:  # another worker's request, outside this one's request context
            worker = threading.Thread(target=other_request)
            worker.start()
            worker.join()
        reads.append(beat.progress)
        return beat

    monkeypatch.setattr(store, "beat_row", row_created_meanwhile)
    db.session.commit()  # the test's session read the answer's row again: end that transaction
    clock.advance(seconds=30)
    answer = heartbeat(client, session_id, 1).get_json()
    assert answer["ok"] and answer["active_seconds"] == 130, answer
    assert reads[0] is None and reads[1] is not None  # read missing, then read again
    rows = db.session.scalars(select(ReadingProgress).where(ReadingProgress.material_id == material.id)).all()
    assert [(r.active_seconds, r.counted_seconds) for r in rows] == [(130, 130)]
    db.session.expire_all()
    assert db.session.get(ReadingSession, session_id).last_seq == 1


def test_the_answer_is_what_was_stored(client, org, login, clock, db):
    material = make_material(minutes=5)
    db.session.commit()
    login(org.learner_a)
    session_id = client.post("/api/reading/sessions", json={"material_id": material.id}).get_json()["session"]
    for seq in range(1, 11):
        clock.advance(seconds=30)
        answer = heartbeat(client, session_id, seq).get_json()
        stored = stored_progress(db, org.learner_a, material)
        assert (answer["active_seconds"], answer["counted_seconds"], answer["granted_hundredths"],
                answer["target_hundredths"], answer["completed"]) == (
            stored.active_seconds, stored.counted_seconds, stored.granted_hundredths, stored.target_hundredths,
            stored.completed_at is not None)
    assert answer["completed"] and answer["granted_hundredths"] == 25
    session = db.session.get(ReadingSession, session_id)
    assert (session.last_seq, session.beats, session.active_seconds) == (10, 10, 300)


def test_rows_already_loaded_in_the_session_see_the_beat(org, clock, db):
    material = make_material(minutes=30)
    session = reading.start_session(org.learner_a, material)
    clock.advance(seconds=30)
    reading.heartbeat(Caller.person(org.learner_a), session.id, 1)
    progress = db.session.scalar(select(ReadingProgress).where(ReadingProgress.material_id == material.id))
    assert (progress.active_seconds, session.last_seq, session.beats) == (30, 1, 1)
    clock.advance(seconds=30)
    reading.heartbeat(Caller.person(org.learner_a), session.id, 2)
    assert (progress.active_seconds, progress.counted_seconds) == (60, 60)
    assert (session.last_seq, session.beats, session.active_seconds, session.last_beat_at) == (2, 2, 60, clock.now())


def test_the_daily_online_credit_is_the_ledgers(org, clock, db):
    day = date(2026, 6, 15)
    for category, credit, on in ((Category.online_reading, 25, day), (Category.online_video, 50, day),
                                 (Category.test_passed, 50, day), (Category.online_reading, 25, day - timedelta(days=1)),
                                 (Category.lecture, 200, day)):
        source = {Category.test_passed: "quiz", Category.lecture: "activity"}.get(category, "material")
        ledger_services.grant(SYSTEM, org.learner_a, category=category, credit_hundredths=credit, occurred_on=on,
                              source_type=source, source_id="1", apply_caps=False)
    ledger_services.grant(SYSTEM, org.learner_b, category=Category.online_reading, credit_hundredths=75, occurred_on=day,
                          source_type="material", source_id="1", apply_caps=False)
    db.session.flush()
    for user, on, expected in ((org.learner_a, day, 125), (org.learner_a, day - timedelta(days=1), 25),
                               (org.learner_b, day, 75), (org.learner_c, day, 0)):
        assert ledger_queries.online_credit_on(user.id, on) == expected


def test_a_progress_row_created_twice_is_the_same_row(app, org, db):
    """Two requests of one person creating the same progress row: the second gets the first's
    row (INSERT … ON CONFLICT DO NOTHING, then a read), with its values, not an error."""
    from learnapp.materials.reading import rows

    material = make_material(minutes=30)
    db.session.commit()
    first = rows.create_progress(org.learner_a.id, material.id, 2026)
    first.active_seconds = 45
    first.save()
    second = rows.create_progress(org.learner_a.id, material.id, 2026)
    assert second.id == first.id and second.active_seconds == 45
    assert rows.create_progress(org.learner_a.id, material.id, 2027).id != first.id
