"""Taking a quiz through the web: pages, autosave JSON, submission, review policy, no answer leaks."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from learnapp.quizzes.models import Attempt, AttemptState, QuizKind
from tests.helpers.quizzes import ALL_REVIEW, Bank, make_quiz


@pytest.fixture
def bank(org, db):
    bank = Bank()
    db.session.commit()
    return bank


def _secrets(bank: Bank) -> list[str]:
    """Strings that must not appear before the review policy allows: explanations, accepted
    blanks, fractions and the words a page would use to mark right answers."""
    out = [q.current_version.explanation for q in bank.questions]
    out += ["中央委员会", '"fraction"', "fraction", "correct", "right_answer"]
    return out


def _start(client, quiz) -> Attempt:
    response = client.post(f"/quizzes/{quiz.id}/start")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    attempt_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    from learnapp.db import db

    return db.session.get(Attempt, attempt_id)


def _form(attempt, answers: dict, action: str | None = None) -> dict:
    data: dict = {"items": [str(i.id) for i in attempt.items]}
    for item in attempt.items:
        value = answers.get(item.question_id)
        if value is None:
            continue
        if isinstance(value, bool):
            data[f"q{item.id}"] = "true" if value else "false"
        elif isinstance(value, list) and item.version.kind.value == "fill_blank":
            for n, blank in enumerate(value):
                data[f"q{item.id}_{n}"] = blank
        else:
            data[f"q{item.id}"] = value
    if action:
        data["action"] = action
    return data


def test_home_panel_lists_open_quizzes(client, login, org, bank, db):
    make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, title="甲支部测试")
    db.session.commit()
    login(org.learner_a)
    assert "甲支部测试" in client.get("/").get_data(as_text=True)
    login(org.learner_c)
    assert "甲支部测试" not in client.get("/").get_data(as_text=True)


def test_learner_sees_only_their_quizzes(client, login, org, bank, db):
    quiz_a = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, title="甲支部测试")
    make_quiz(org.committee_admin, org.branch_c, bank.auto_questions, title="丙支部测试")
    db.session.commit()
    login(org.learner_a)
    page = client.get("/quizzes/").get_data(as_text=True)
    assert "甲支部测试" in page and "丙支部测试" not in page
    assert client.get(f"/quizzes/{quiz_a.id}").status_code == 200
    login(org.learner_c)
    assert client.get(f"/quizzes/{quiz_a.id}").status_code == 404
    assert client.post(f"/quizzes/{quiz_a.id}/start").status_code == 404


def test_attempt_page_and_autosave_never_carry_answers(client, login, org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.questions, time_limit_minutes=30)
    db.session.commit()
    login(org.learner_a)
    attempt = _start(client, quiz)
    page = client.get(f"/quizzes/attempts/{attempt.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "中国共产党的最高理想和最终目标是什么" in html and "实现共产主义" in html
    assert 'data-seconds-left="1800"' in html
    assert "交卷" in html and "剩余时间" in html  # Chinese first
    for secret in _secrets(bank):
        assert secret not in html, secret
    saved = client.post(f"/quizzes/attempts/{attempt.id}/save", data=_form(attempt, {bank.single.id: "A"}),
                        headers={"Accept": "application/json"})
    assert saved.status_code == 200
    body = saved.get_data(as_text=True)
    assert json.loads(body)["state"] == "in_progress" and json.loads(body)["saved"] == 1
    for secret in _secrets(bank):
        assert secret not in body, secret
    # A refresh shows what was saved.
    html = client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    assert 'value="A" checked' in html


def test_plain_form_post_saves_and_submits(client, login, org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions)
    db.session.commit()
    login(org.learner_a)
    attempt = _start(client, quiz)
    response = client.post(f"/quizzes/attempts/{attempt.id}/save", data=_form(attempt, {bank.truefalse.id: False}, "save"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/quizzes/attempts/{attempt.id}")
    response = client.post(f"/quizzes/attempts/{attempt.id}/save", data=_form(attempt, {bank.truefalse.id: True}, "submit"))
    assert response.headers["Location"].endswith("/result")
    again = client.post(f"/quizzes/attempts/{attempt.id}/submit", data=_form(attempt, {bank.single.id: "A"}))
    assert again.status_code == 302 and again.headers["Location"].endswith("/result")  # a second submit changes nothing
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.state == AttemptState.graded and attempt.score_hundredths == 100
    late = client.post(f"/quizzes/attempts/{attempt.id}/save", data=_form(attempt, {}), headers={"Accept": "application/json"})
    assert late.status_code == 409 and late.get_json()["redirect"].endswith("/result")


def test_assessment_review_shows_the_score_now_and_answers_after_close(client, login, org, bank, db, clock):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, time_limit_minutes=None,
                     closes_at=clock.now() + timedelta(days=1))
    db.session.commit()
    login(org.learner_a)
    attempt = _start(client, quiz)
    client.post(f"/quizzes/attempts/{attempt.id}/submit", data=_form(attempt, {bank.single.id: "A"}))
    html = client.get(f"/quizzes/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "28.57%" in html  # 2 of 7 points
    for secret in _secrets(bank):
        assert secret not in html, secret
    clock.advance(days=2)
    login(org.learner_a)  # the session has expired meanwhile
    html = client.get(f"/quizzes/attempts/{attempt.id}/result").get_data(as_text=True)
    assert bank.fill.current_version.explanation in html
    assert "中央委员会" in html


def test_practice_shows_everything_at_once_and_is_the_learners_own(client, login, org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, kind=QuizKind.practice,
                     review_after_submit=ALL_REVIEW, max_attempts=None)
    db.session.commit()
    login(org.learner_a)
    attempt = _start(client, quiz)
    client.post(f"/quizzes/attempts/{attempt.id}/submit", data=_form(attempt, {bank.fill.id: ["全国代表大会", "国务院"]}))
    html = client.get(f"/quizzes/attempts/{attempt.id}/result").get_data(as_text=True)
    assert bank.single.current_version.explanation in html and "中央委员会" in html
    login(org.committee_admin)
    assert client.get(f"/quizzes/reports/attempts/{attempt.id}").status_code == 404
    assert client.get(f"/quizzes/reports/{quiz.id}/people/{org.learner_a.id}").status_code == 404
    assert org.learner_a.name not in client.get(f"/quizzes/reports/{quiz.id}").get_data(as_text=True)


def test_overdue_attempt_is_submitted_on_the_next_request(client, login, org, bank, db, clock):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, time_limit_minutes=10)
    db.session.commit()
    login(org.learner_a)
    attempt = _start(client, quiz)
    client.post(f"/quizzes/attempts/{attempt.id}/save", data=_form(attempt, {bank.truefalse.id: True}),
                headers={"Accept": "application/json"})
    clock.advance(minutes=11)
    response = client.get(f"/quizzes/attempts/{attempt.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.state == AttemptState.graded and attempt.auto_submitted and attempt.score_hundredths == 100


def test_someone_elses_attempt_is_not_found(client, login, org, bank, db):
    quiz = make_quiz(org.committee_admin, org.general1, bank.auto_questions)
    db.session.commit()
    login(org.learner_a)
    attempt = _start(client, quiz)
    login(org.learner_b)
    assert client.get(f"/quizzes/attempts/{attempt.id}").status_code == 404
    assert client.post(f"/quizzes/attempts/{attempt.id}/submit", data={}).status_code == 404
    assert client.get(f"/quizzes/attempts/{attempt.id}/result").status_code == 404
    assert db.session.scalar(select(Attempt.state).where(Attempt.id == attempt.id)) == AttemptState.in_progress


def test_wrong_answer_notebook(client, login, org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, kind=QuizKind.practice,
                     review_after_submit=ALL_REVIEW, max_attempts=None)
    db.session.commit()
    login(org.learner_a)
    attempt = _start(client, quiz)
    client.post(f"/quizzes/attempts/{attempt.id}/submit", data=_form(attempt, {bank.single.id: "A", bank.truefalse.id: False}))
    html = client.get("/quizzes/mistakes").get_data(as_text=True)
    assert "预备党员的预备期为一年" in html  # missed
    assert "中国共产党的最高理想和最终目标是什么" not in html  # answered right
    assert bank.truefalse.current_version.explanation in html
