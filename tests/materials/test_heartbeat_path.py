"""The heartbeat's hot path: few statements, one transaction, only changed columns written, and
plain-row reads and writes that agree with the ORM and the ledger."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import select

from learnapp.ledger import queries as ledger_queries
from learnapp.ledger import services as ledger_services
from learnapp.ledger.models import Category
from learnapp.materials import crediting
from learnapp.materials.models import ReadingProgress, ReadingSession
from learnapp.security import SYSTEM
from tests.materials.helpers import heartbeat, make_material, rules_text
from tests.query_counter import count_queries

# A heartbeat's own statements (one that grants nothing): the session with its material, progress
# and the day's online credit, then the UPDATEs of the session and the progress, which PostgreSQL
# makes in one statement (the year's rules in force come with the signed-in person).
OWN_STATEMENTS = {"sqlite": 3, "postgresql": 2}


def _stored_progress(db, user, material):
    db.session.expire_all()
    return db.session.scalar(select(ReadingProgress).where(ReadingProgress.user_id == user.id,
                                                           ReadingProgress.material_id == material.id))


def test_a_heartbeat_is_one_short_transaction_of_few_statements(app, client, org, login, clock, db):
    ledger_services.save_rules(SYSTEM, rules_text(daily_online="2"), source_name="test.yaml")
    material = make_material(minutes=30, body="很长的正文。" * 2000)
    db.session.commit()
    login(org.learner_a)
    session_id = client.post("/api/reading/sessions", json={"material_id": material.id}).get_json()["session"]
    clock.advance(seconds=30)
    assert heartbeat(client, session_id, 1).status_code == 200  # creates the progress row
    with app.app_context(), count_queries() as signed_in_only:  # the same request, refused before crediting
        assert client.post(f"/api/reading/sessions/{session_id}/heartbeat", json={"seq": "x"}).status_code == 400
    clock.advance(seconds=30)
    with app.app_context(), count_queries() as counted:
        response = heartbeat(client, session_id, 2)
    assert response.status_code == 200
    statements = [" ".join(s.split()) for s in counted.statements]
    # One writing transaction: the answer is taken before the commit, so nothing is read again
    # after it. (On SQLite the signed-in person is read first in a plain BEGIN of its own.)
    assert sum(1 for s in statements if s.startswith("BEGIN IMMEDIATE")) <= 1, counted.report()
    assert counted.count - signed_in_only.count <= OWN_STATEMENTS[db.engine.dialect.name], counted.report()
    assert not any("materials.body" in s for s in statements), "the material's text is not needed to credit time"
    [progress_update] = [s[s.index("UPDATE reading_progress"):] for s in statements if "UPDATE reading_progress" in s]
    # Only what a beat without a grant changes is written.
    assert "granted_hundredths" not in progress_update and "first_read_at" not in progress_update
    assert "active_seconds" in progress_update and "last_read_at" in progress_update


def test_the_first_beat_of_a_material_writes_its_progress_row_with_the_beat(app, client, org, login, clock, db):
    material = make_material(minutes=30)
    db.session.commit()
    login(org.learner_a)
    session_id = client.post("/api/reading/sessions", json={"material_id": material.id}).get_json()["session"]
    db.session.commit()  # the test's session read the answer's row again: end that transaction
    with app.app_context(), count_queries() as signed_in_only:
        assert client.post(f"/api/reading/sessions/{session_id}/heartbeat", json={"seq": "x"}).status_code == 400
    clock.advance(seconds=30)
    with app.app_context(), count_queries() as counted:
        assert heartbeat(client, session_id, 1).status_code == 200
    statements = [" ".join(s.split()) for s in counted.statements]
    assert counted.count - signed_in_only.count <= OWN_STATEMENTS[db.engine.dialect.name], counted.report()
    # The row is inserted with its values, not inserted empty and then updated.
    assert sum(1 for s in statements if "INSERT INTO reading_progress" in s) == 1, counted.report()
    assert not any("UPDATE reading_progress" in s for s in statements), counted.report()
    stored = _stored_progress(db, org.learner_a, material)
    assert (stored.year, stored.active_seconds, stored.counted_seconds, stored.first_read_at) == (
        2026, 30, 30, clock.now())


def test_a_progress_row_that_appears_after_the_beat_read_it_missing_gets_the_time(client, org, login, clock, db,
                                                                                   monkeypatch):
    """Another request creates the person's progress row between the beat's read and its write:
    the beat writes nothing, reads again and adds its time to that row (no second row, no error)."""
    from learnapp.materials import reading_rows

    material = make_material(minutes=30)
    db.session.commit()
    login(org.learner_a)
    session_id = client.post("/api/reading/sessions", json={"material_id": material.id}).get_json()["session"]
    read_beat, reads = reading_rows.beat_row, []

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

    monkeypatch.setattr(reading_rows, "beat_row", row_created_meanwhile)
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
        stored = _stored_progress(db, org.learner_a, material)
        assert (answer["active_seconds"], answer["counted_seconds"], answer["granted_hundredths"],
                answer["target_hundredths"], answer["completed"]) == (
            stored.active_seconds, stored.counted_seconds, stored.granted_hundredths, stored.target_hundredths,
            stored.completed_at is not None)
    assert answer["completed"] and answer["granted_hundredths"] == 25
    session = db.session.get(ReadingSession, session_id)
    assert (session.last_seq, session.beats, session.active_seconds) == (10, 10, 300)


def test_rows_already_loaded_in_the_session_see_the_beat(org, clock, db):
    material = make_material(minutes=30)
    session = crediting.start_session(org.learner_a, material)
    clock.advance(seconds=30)
    crediting.heartbeat(org.learner_a, session.id, 1)
    progress = db.session.scalar(select(ReadingProgress).where(ReadingProgress.material_id == material.id))
    assert (progress.active_seconds, session.last_seq, session.beats) == (30, 1, 1)
    clock.advance(seconds=30)
    crediting.heartbeat(org.learner_a, session.id, 2)
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
    from learnapp.materials import reading_rows

    material = make_material(minutes=30)
    db.session.commit()
    first = reading_rows.create_progress(org.learner_a.id, material.id, 2026)
    first.active_seconds = 45
    first.save()
    second = reading_rows.create_progress(org.learner_a.id, material.id, 2026)
    assert second.id == first.id and second.active_seconds == 45
    assert reading_rows.create_progress(org.learner_a.id, material.id, 2027).id != first.id
