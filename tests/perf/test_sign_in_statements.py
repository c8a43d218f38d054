"""The sign-in shortcut's statements: the signed-in person comes with their roles and branch in one
statement, the year's rules in force ride along with it, and the usual heartbeat reads the person
only inside its own single read."""

from __future__ import annotations

from learnapp.ledger import services as ledger_services
from learnapp.security import SYSTEM
from tests.helpers.materials import heartbeat, rules_text, start_reading
from tests.helpers.query_counter import count_queries


def _reading(client, org, login, clock):
    material, session_id = start_reading(client, login, org.learner_a)
    clock.advance(seconds=30)
    return material, session_id


def test_the_signed_in_person_roles_and_branch_come_in_one_statement(app, client, org, login):
    login(org.admin_a)
    with count_queries() as counted:
        page = client.get("/account").get_data(as_text=True)
    assert org.branch_a.name in page
    reads = [s for s in counted.statements if "role_grants" in s or "FROM branches" in s or "FROM users" in s]
    assert len(reads) == 1 and "role_grants" in reads[0] and "branches" in reads[0], counted.report()


def test_which_rules_are_in_force_this_year_is_read_with_the_signed_in_person(app, client, login, org, clock, db):
    ledger_services.save_rules(SYSTEM, rules_text(clock.now().year, daily_online="3"), source_name="rules.yaml")
    db.session.commit()
    login(org.learner_a)
    assert client.get("/ledger/").status_code == 200  # the rules' text parsed once for the process
    with count_queries() as counted:
        page = client.get("/ledger/")
    assert page.status_code == 200
    rule_statements = [s for s in counted.statements if "credit_rule_sets" in s]
    assert len(rule_statements) == 1 and "FROM users" in rule_statements[0], counted.report()
    # And the rules used are the ones saved: a new version is seen at the next request.
    assert "47.5" not in page.get_data(as_text=True)
    ledger_services.save_rules(SYSTEM, rules_text(clock.now().year).replace("default: 50", "default: 47.5"),
                               source_name="rules.yaml")
    db.session.commit()
    with count_queries() as counted:
        page = client.get("/ledger/")
    assert "47.5" in page.get_data(as_text=True)


def test_the_usual_beat_does_not_read_the_person_on_its_own(app, client, org, login, clock, db):
    material, session_id = _reading(client, org, login, clock)
    db.session.commit()  # the requests share the test's session: end what it read
    with app.app_context(), count_queries() as counted:
        answer = heartbeat(client, session_id, 1)
    assert answer.status_code == 200 and answer.get_json()["active_seconds"] == 30
    reads = [" ".join(s.split()) for s in counted.statements if s.lstrip().upper().startswith("SELECT")]
    # One read: the session with its material, progress and the person's sign-in, joined.
    assert len(reads) == 1 and "JOIN users ON users.id = reading_sessions.user_id" in reads[0], counted.report()


def test_a_bad_heartbeat_of_a_signed_in_person_is_a_bad_request(app, client, org, login, clock, db):
    _material, session_id = _reading(client, org, login, clock)
    db.session.commit()
    with app.app_context(), count_queries() as counted:
        response = client.post(f"/api/reading/sessions/{session_id}/heartbeat", json={"seq": 0})
    assert (response.status_code, response.get_json()["error"]) == (400, "bad_request")
    assert counted.count == 1, counted.report()  # the person, read as on any page
