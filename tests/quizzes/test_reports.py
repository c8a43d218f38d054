"""Reports: scores, pass rate, by branch, scoping, XLSX export, item analysis, counted_results."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from learnapp.accounts.models import Stage
from learnapp.db import db
from learnapp.quizzes import analysis, attempts
from learnapp.quizzes.queries import counted_results
from learnapp.security import visible_users
from tests.helpers.factories import make_user
from tests.helpers.quizzes import Bank, form_for, make_quiz, right_answers


def _take(user, quiz, answers):
    attempt = attempts.start_attempt(user, quiz)
    attempts.save_responses(user, attempt, form_for(attempt, answers))
    attempts.submit_attempt(attempt.id)
    return attempt


@pytest.fixture
def taken(org, db):
    """A committee quiz for general1 (branches a and b): four people of varying skill."""
    bank = Bank()
    quiz = make_quiz(org.committee_admin, org.general1, bank.auto_questions, title="党章知识测试")
    extra_a = make_user(org.branch_a, Stage.activist, name="王强")
    extra_b = make_user(org.branch_b, Stage.activist, name="李娜")
    right = right_answers(bank)
    _take(org.learner_a, quiz, right)                                        # 100 %
    _take(extra_a, quiz, {bank.single.id: "A", bank.truefalse.id: True})     # 3/7
    _take(org.learner_b, quiz, {**right, bank.multiple.id: ["A"]})           # 5/7
    _take(extra_b, quiz, {bank.single.id: "B", bank.truefalse.id: False})    # 0
    db.session.commit()
    return bank, quiz


def test_report_numbers_and_branch_breakdown(org, taken):
    bank, quiz = taken
    report = analysis.quiz_report(quiz, visible_users(org.committee_admin))
    assert report.participants == 4 and report.passed == 2
    assert report.pass_rate_bp == 5000
    assert report.mean_bp == 5357  # (10000 + 4286 + 7143 + 0) / 4
    assert report.audience >= 4
    by_branch = {row["branch"].name: row for row in report.branches}
    assert by_branch["甲支部"]["taken"] == 2 and by_branch["甲支部"]["passed"] == 1
    assert by_branch["乙支部"]["taken"] == 2
    assert sum(b["count"] for b in report.bands) == 4


def test_a_branch_admin_sees_only_their_people(org, taken):
    bank, quiz = taken
    report = analysis.quiz_report(quiz, visible_users(org.admin_a))
    assert {row["branch"].name for row in report.rows} == {"甲支部"}
    assert report.participants == 2


def test_item_analysis(org, taken):
    bank, quiz = taken
    items = {e["question_id"]: e for e in analysis.item_analysis(quiz, visible_users(org.committee_admin))}
    single = items[bank.single.id]
    assert single["n"] == 4 and single["facility_bp"] == 7500
    counts = {o["key"]: o["count"] for o in single["options"]}
    assert counts == {"A": 3, "B": 1, "C": 0, "D": 0}
    # Groups of ceil(27 % of 4) = 2: the top two (100 %, 71 %) got the multiple choice 1 + 0 right,
    # the bottom two (43 %, 0 %) none: D = 0.5 − 0.
    assert items[bank.multiple.id]["discrimination_bp"] == 5000
    assert items[bank.single.id]["discrimination_bp"] == 5000
    assert items[bank.fill.id]["unanswered"] == 2


def test_xlsx_export(client, login, org, taken):
    bank, quiz = taken
    login(org.committee_admin)
    response = client.get(f"/quizzes/reports/{quiz.id}/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    results = workbook.worksheets[0]
    rows = list(results.iter_rows(values_only=True))
    assert len(rows) == 5  # header + four people
    assert any(row[1] == "王强" for row in rows)
    assert len(workbook.sheetnames) == 4


def test_report_pages_render(client, login, org, taken):
    bank, quiz = taken
    login(org.admin_a)
    html = client.get(f"/quizzes/reports/{quiz.id}").get_data(as_text=True)
    assert "王强" in html and "李娜" not in html  # 李娜 is in branch_b, outside admin_a's scope
    assert client.get(f"/quizzes/reports/{quiz.id}/items").status_code == 200


def test_counted_results_for_the_assessment_record(org, taken):
    bank, quiz = taken
    rows = db.session.execute(counted_results([org.learner_a.id, org.learner_b.id], 2026)).all()
    assert [(r.user_id, r.quiz_id, r.title, r.score_bp, r.passed) for r in rows] == [
        (org.learner_a.id, quiz.id, "党章知识测试", 10000, True),
        (org.learner_b.id, quiz.id, "党章知识测试", 7143, True),
    ]
    assert db.session.execute(counted_results([org.learner_a.id], 2025)).all() == []
