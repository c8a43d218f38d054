"""The heartbeat's hot path: few statements, one transaction, only changed columns written."""

from __future__ import annotations

from learnapp.ledger import services as ledger_services
from learnapp.security import SYSTEM
from tests.helpers.materials import heartbeat, make_material, rules_text, stored_progress
from tests.helpers.query_counter import count_queries

# A heartbeat's own statements (one that grants nothing): the session with its material, progress
# and the day's online credit, then the UPDATEs of the session and the progress, which PostgreSQL
# makes in one statement (the year's rules in force come with the signed-in person).
OWN_STATEMENTS = {"sqlite": 3, "postgresql": 2}
# Starting a reading session: the person (with the facts read with them), the material, the
# person's open sessions (locked), the new session, and its id read back for the answer; closing:
# the person, the session (locked) and its UPDATE.
START_STATEMENTS, CLOSE_STATEMENTS = 6, 3


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
    stored = stored_progress(db, org.learner_a, material)
    assert (stored.year, stored.active_seconds, stored.counted_seconds, stored.first_read_at) == (
        2026, 30, 30, clock.now())


def test_starting_and_closing_a_session_cost_few_statements(app, client, org, login, clock, db):
    material = make_material(minutes=30)
    db.session.commit()
    material_id = material.id
    login(org.learner_a)

    def counted(path, **json):
        db.session.commit()  # the requests share the test's session: end what it read
        with app.app_context(), count_queries() as statements:
            response = client.post(path, json=json)
            answer = response.get_json()
        assert response.status_code in (200, 201), answer
        return statements, answer

    counted("/api/reading/sessions", material_id=material_id)  # warms the caches; an open session to close
    start, answer = counted("/api/reading/sessions", material_id=material_id)
    assert start.count <= START_STATEMENTS, start.report()
    close, _answer = counted(f"/api/reading/sessions/{answer['session']}/close")
    assert close.count <= CLOSE_STATEMENTS, close.report()
