"""What starting, saving and submitting cost in statements: a whole committee starts an exam within
seconds, so none of them may issue a statement per question, and each is one transaction.

Each request is measured as production runs it: committed data and an app context of its own
(a fresh session, nothing found in its identity map).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learnapp.db import db
from learnapp.quizzes.models import Attempt, AttemptItem, QuizKind
from tests.helpers.query_counter import count_queries
from tests.helpers.quizzes import Bank, make_question, make_quiz, opts

CAP = 14  # statements of one start, save or submit, whatever the number of questions


@pytest.fixture
def bank(org, db):
    bank = Bank()
    db.session.commit()
    return bank


def _more_questions(bank: Bank, n: int) -> list:
    return [make_question(bank.zonggang, "single", f"单选题{i}", options=opts(("A", "对", 100), ("B", "错", 0)))
            for i in range(n)]


def _request(app, client, path: str, data: dict | None = None, json: bool = False):
    """POST in an app context of its own; returns the response and the statements it issued."""
    headers = {"Accept": "application/json"} if json else {}
    db.session.commit()  # outside a request SQLite's transactions take the write lock: end the test's
    with app.app_context(), count_queries() as counted:
        response = client.post(path, data=data or {}, headers=headers)
    return response, counted


def _attempt_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _begins(counted) -> int:
    """Writing transactions. SQLite shows each BEGIN (the signed-in person is read first in a plain
    BEGIN of its own, db.reads_before_transaction); PostgreSQL's driver begins implicitly (none shown)."""
    return sum(1 for s in counted.statements if s.lstrip().upper().startswith("BEGIN IMMEDIATE"))


def _take(app, client, db, quiz) -> dict:
    """Start, save every question, submit: the statements of each step."""
    db.session.commit()
    started, start_counted = _request(app, client, f"/quizzes/{quiz.id}/start")
    attempt_id = _attempt_id(started)
    item_ids = db.session.scalars(select(AttemptItem.id).where(AttemptItem.attempt_id == attempt_id)).all()
    form = {"items": [str(i) for i in item_ids], **{f"q{i}": "A" for i in item_ids}}
    saved, save_counted = _request(app, client, f"/quizzes/attempts/{attempt_id}/save", form, json=True)
    assert saved.status_code == 200 and saved.get_json()["saved"] >= 1
    submitted, submit_counted = _request(app, client, f"/quizzes/attempts/{attempt_id}/submit", form, json=True)
    assert submitted.status_code == 200 and submitted.get_json()["state"] == "finished"
    return {"start": start_counted, "save": save_counted, "submit": submit_counted, "attempt_id": attempt_id}


def test_start_save_and_submit_issue_no_statement_per_question(app, client, login, org, bank, db):
    # A pass mark nobody reaches here: a pass adds the (fixed) statements of the credit.
    small = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, title="四题", kind=QuizKind.practice,
                      max_attempts=None, pass_bp=10000)
    big = make_quiz(org.committee_admin, org.branch_a, [*bank.auto_questions, *_more_questions(bank, 12)],
                    title="十六题", kind=QuizKind.practice, max_attempts=None, pass_bp=10000)
    login(org.learner_a)
    four = _take(app, client, db, small)
    sixteen = _take(app, client, db, big)
    assert len(db.session.scalars(select(AttemptItem.id).where(
        AttemptItem.attempt_id == sixteen["attempt_id"])).all()) == 16
    for step in ("start", "save", "submit"):
        assert sixteen[step].count == four[step].count, f"{step}:\n{four[step].report()}\n---\n{sixteen[step].report()}"
        assert sixteen[step].count <= CAP, sixteen[step].report()
        # One transaction each: nothing is read again after the commit.
        assert _begins(sixteen[step]) <= 1, sixteen[step].report()


def test_a_double_click_lands_in_the_same_attempt(app, client, login, org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, time_limit_minutes=60)
    db.session.commit()
    login(org.learner_a)
    first, _ = _request(app, client, f"/quizzes/{quiz.id}/start")
    again, counted = _request(app, client, f"/quizzes/{quiz.id}/start")
    assert _attempt_id(again) == _attempt_id(first)
    assert counted.count <= CAP
    assert len(db.session.scalars(select(Attempt.id).where(Attempt.quiz_id == quiz.id)).all()) == 1
