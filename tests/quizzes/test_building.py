"""Building a quiz through the web: settings, questions, audience, publishing, scope, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from learnapp.quizzes import attempts
from learnapp.quizzes.models import Quiz, QuizStatus, SlotKind
from tests.helpers.quizzes import Bank, form_for, make_quiz


@pytest.fixture
def bank(org, db):
    bank = Bank()
    db.session.commit()
    return bank


SETTINGS = {
    "title": "2026年第二季度党章测试", "description": "请认真作答。", "kind": "assessment",
    "opens_at": "2026-06-15T09:00", "closes_at": "2026-06-20T18:00", "time_limit_minutes": "30",
    "max_attempts": "2", "grading_method": "highest", "pass_percent": "60", "choice_scoring": "partial",
    "shuffle_questions": "y", "shuffle_options": "y", "review_after_submit": ["score"],
    "review_after_close": ["score", "correctness", "right_answers", "explanations"], "credit_on_pass": "y",
}


def test_committee_admin_builds_and_publishes_a_quiz(client, login, org, bank, db):
    login(org.committee_admin)
    response = client.post("/quizzes/manage/new", data={**SETTINGS, "branch_id": str(org.branch_a.id)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    quiz = db.session.scalar(select(Quiz))
    assert quiz.pass_bp == 6000 and quiz.time_limit_minutes == 30 and quiz.status == QuizStatus.draft
    assert quiz.closes_at.hour == 10  # 18:00 in Shanghai is 10:00 UTC
    assert [a.branch_id for a in quiz.audience_branches] == [org.branch_a.id]

    client.post(f"/quizzes/manage/{quiz.id}/questions/draw",
                data={"category_id": str(bank.dangzhang.id), "count": "2", "include_subcategories": "y", "points": "2"})
    client.post(f"/quizzes/manage/{quiz.id}/questions/fixed", data={"question_ids": [str(bank.truefalse.id), str(bank.fill.id)]})
    db.session.expire_all()
    assert [s.kind for s in quiz.slots] == [SlotKind.random, SlotKind.fixed, SlotKind.fixed]
    page = client.get(f"/quizzes/manage/{quiz.id}/questions?category={bank.jilv.id}").get_data(as_text=True)
    assert "预备党员的预备期为一年" in page

    response = client.post(f"/quizzes/manage/{quiz.id}/audience",
                           data={"branches": [str(org.general1.id)], "stages": ["activist"], "people": "learner_c"})
    assert response.status_code == 302
    response = client.post(f"/quizzes/manage/{quiz.id}/status", data={"status": "published"})
    db.session.expire_all()
    assert quiz.status == QuizStatus.published
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"quiz.create", "quiz.add_draw", "quiz.add_questions", "quiz.audience", "quiz.published"} <= actions
    assert client.get(f"/quizzes/manage/{quiz.id}/preview").status_code == 200

    # Audience: activists of general1's subtree, and learner_c by name.
    from learnapp.quizzes.audience import includes

    assert includes(quiz, org.learner_a) and includes(quiz, org.learner_b) and includes(quiz, org.learner_c)
    assert not includes(quiz, org.contact_a)  # a full member, not an activist


def test_form_errors_are_shown_on_the_fields(client, login, org, bank):
    login(org.committee_admin)
    html = client.post("/quizzes/manage/new", data={**SETTINGS, "branch_id": str(org.branch_a.id), "title": "",
                                                     "pass_percent": "120", "closes_at": "2026-06-01T08:00"}).get_data(as_text=True)
    assert html.count('class="error"') >= 3


def test_branch_admin_stays_inside_their_subtree(client, login, org, bank, db):
    login(org.admin_a)
    html = client.post("/quizzes/manage/new", data={**SETTINGS, "branch_id": str(org.branch_c.id)}).get_data(as_text=True)
    assert db.session.scalar(select(Quiz)) is None and 'class="error"' in html
    client.post("/quizzes/manage/new", data={**SETTINGS, "branch_id": str(org.branch_a.id)})
    quiz = db.session.scalar(select(Quiz))
    html = client.post(f"/quizzes/manage/{quiz.id}/audience", data={"branches": [str(org.branch_c.id)]}).get_data(as_text=True)
    assert 'class="error"' in html
    html = client.post(f"/quizzes/manage/{quiz.id}/audience", data={"people": "learner_c"}).get_data(as_text=True)
    assert 'class="error"' in html
    db.session.expire_all()
    assert [a.branch_id for a in quiz.audience_branches] == [org.branch_a.id]


def test_questions_are_fixed_once_people_took_the_quiz(client, login, org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions)
    attempts.start_attempt(org.learner_a, quiz)
    db.session.commit()
    login(org.committee_admin)
    slot_id = quiz.slots[0].id
    client.post(f"/quizzes/manage/{quiz.id}/slots/{slot_id}/remove")
    db.session.expire_all()
    assert len(quiz.slots) == 4
    response = client.post(f"/quizzes/manage/{quiz.id}/copy")
    copy = db.session.get(Quiz, int(response.headers["Location"].rstrip("/").split("/")[-1]))
    assert copy.status == QuizStatus.draft and len(copy.slots) == 4


def test_essay_grading_queue(client, login, org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, [bank.truefalse, bank.essay])
    attempt = attempts.start_attempt(org.learner_a, quiz)
    attempts.save_responses(org.learner_a, attempt, form_for(attempt, {bank.truefalse.id: True, bank.essay.id: "坚持政治意识"}))
    attempts.submit_attempt(attempt.id)
    db.session.commit()
    item = next(i for i in attempt.items if i.question_id == bank.essay.id)
    login(org.admin_a)
    assert org.learner_a.name in client.get("/quizzes/grading").get_data(as_text=True)
    html = client.post(f"/quizzes/grading/{item.id}", data={"score": "2.555"}).get_data(as_text=True)
    assert 'class="error"' in html  # at most two decimals
    response = client.post(f"/quizzes/grading/{item.id}", data={"score": "4.5", "feedback": "很好"})
    assert response.status_code == 302
    db.session.expire_all()
    assert attempt.score_hundredths == 550 and attempt.passed
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "quiz.grade_item")) is not None
    login(org.learner_a)
    html = client.get(f"/quizzes/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "91.67%" in html
