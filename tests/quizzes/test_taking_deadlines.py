"""An attempt's deadline is the server's: starting after the time ran out submits the old attempt,
and a save reports the time left by the server's clock. (What starting, saving and submitting cost
in statements: tests/perf/test_quiz_taking_statements.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from learnapp.quizzes.models import Attempt, AttemptItem, AttemptState
from tests.helpers.quizzes import Bank, make_quiz


@pytest.fixture
def bank(org, db):
    bank = Bank()
    db.session.commit()
    return bank


def _attempt_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_starting_after_the_time_ran_out_submits_the_old_attempt_even_when_no_new_one_is_allowed(
        app, client, login, org, bank, db, clock):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, time_limit_minutes=10, max_attempts=1)
    db.session.commit()
    login(org.learner_a)
    attempt_id = _attempt_id(client.post(f"/quizzes/{quiz.id}/start"))
    item = db.session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id,
                                                       AttemptItem.question_id == bank.truefalse.id))
    client.post(f"/quizzes/attempts/{attempt_id}/save", data={"items": [str(item.id)], f"q{item.id}": "true"},
                headers={"Accept": "application/json"})
    clock.advance(minutes=11)
    response = client.post(f"/quizzes/{quiz.id}/start")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/quizzes/{quiz.id}")
    with client.session_transaction() as session:
        assert ("error", "你已用完本测试的全部 1 次作答机会。") in session["_flashes"]
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.state == AttemptState.graded and attempt.auto_submitted
    assert attempt.submitted_at == attempt.deadline_at and attempt.score_hundredths == 100
    assert len(db.session.scalars(select(Attempt.id).where(Attempt.quiz_id == quiz.id)).all()) == 1


def test_the_deadline_a_save_reports_is_the_servers(app, client, login, org, bank, db, clock):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, time_limit_minutes=30)
    db.session.commit()
    login(org.learner_a)
    attempt_id = _attempt_id(client.post(f"/quizzes/{quiz.id}/start"))
    clock.advance(minutes=5)
    saved = client.post(f"/quizzes/attempts/{attempt_id}/save", data={"items": []}, headers={"Accept": "application/json"})
    assert saved.get_json()["seconds_left"] == 25 * 60
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).last_saved_at == clock.now()
    clock.advance(minutes=30)
    late = client.post(f"/quizzes/attempts/{attempt_id}/save", data={"items": []}, headers={"Accept": "application/json"})
    assert late.status_code == 409  # past the deadline: submitted with what was saved
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).submitted_at == clock.now() - timedelta(minutes=5)
