"""Every page and form of the quizzes blueprint, with records in branch_a (in scope of admin_a and
admin_g1) and in branch_c (out of their scope: tampered URLs must answer 404)."""

from __future__ import annotations

from learnapp.db import db
from learnapp.quizzes import attempts
from tests.helpers.matrix import ADMINS, COMMITTEE, READERS, SIGNED_IN, Page
from tests.helpers.quizzes import Bank, form_for, make_quiz

AUDIENCE_A = frozenset({"learner", "contact", "branch_admin"})  # people of branch_a
LEARNER = frozenset({"learner"})
NOBODY: frozenset[str] = frozenset()
COMMITTEE_READERS = frozenset({"committee_admin", "auditor"})


def pages(org) -> list[Page]:
    bank = Bank()
    quiz_a = make_quiz(org.committee_admin, org.branch_a, bank.questions, title="甲支部测试", max_attempts=None)
    quiz_c = make_quiz(org.committee_admin, org.branch_c, bank.questions, title="丙支部测试")
    mine = attempts.start_attempt(org.learner_a, quiz_a)
    theirs = attempts.start_attempt(org.learner_c, quiz_c)
    attempts.save_responses(org.learner_c, theirs, form_for(theirs, {bank.essay.id: "丙支部的回答"}))
    attempts.submit_attempt(theirs.id)
    graded = attempts.start_attempt(org.contact_a, quiz_a)
    attempts.save_responses(org.contact_a, graded, form_for(graded, {bank.essay.id: "甲支部的回答"}))
    attempts.submit_attempt(graded.id)
    db.session.flush()
    essay_a = next(i for i in graded.items if i.question_id == bank.essay.id)
    essay_c = next(i for i in theirs.items if i.question_id == bank.essay.id)
    slot_a, slot_c = quiz_a.slots[0], quiz_c.slots[0]
    a, c = quiz_a.id, quiz_c.id
    draw = {"category_id": str(bank.dangzhang.id), "count": "1", "include_subcategories": "y"}

    return [
        # The learner's side
        Page("quizzes.index", "/quizzes/", SIGNED_IN),
        Page("quizzes.mistakes", "/quizzes/mistakes", SIGNED_IN),
        Page("quizzes.quiz_info", f"/quizzes/{a}", AUDIENCE_A),
        Page("quizzes.quiz_info", f"/quizzes/{c}", NOBODY, note="other branch"),
        Page("quizzes.start", f"/quizzes/{a}/start", AUDIENCE_A, "POST"),
        Page("quizzes.start", f"/quizzes/{c}/start", NOBODY, "POST", note="other branch"),
        Page("quizzes.attempt", f"/quizzes/attempts/{mine.id}", LEARNER),
        Page("quizzes.attempt", f"/quizzes/attempts/{theirs.id}", NOBODY, note="someone else's"),
        Page("quizzes.save", f"/quizzes/attempts/{mine.id}/save", LEARNER, "POST", data={"items": ""}),
        Page("quizzes.save", f"/quizzes/attempts/{theirs.id}/save", NOBODY, "POST", note="someone else's"),
        Page("quizzes.result", f"/quizzes/attempts/{mine.id}/result", LEARNER),
        Page("quizzes.result", f"/quizzes/attempts/{theirs.id}/result", NOBODY, note="someone else's"),
        Page("quizzes.submit", f"/quizzes/attempts/{theirs.id}/submit", NOBODY, "POST", note="someone else's"),
        Page("quizzes.submit", f"/quizzes/attempts/{mine.id}/submit", LEARNER, "POST"),
        # Building
        Page("quizzes.manage", "/quizzes/manage", ADMINS),
        Page("quizzes.create", "/quizzes/manage/new", ADMINS),
        Page("quizzes.create", "/quizzes/manage/new", ADMINS, "POST", data={"title": ""}, note="incomplete"),
        Page("quizzes.edit", f"/quizzes/manage/{a}", ADMINS),
        Page("quizzes.edit", f"/quizzes/manage/{c}", COMMITTEE, note="other branch"),
        Page("quizzes.edit", f"/quizzes/manage/{a}", ADMINS, "POST", data={"title": ""}, note="incomplete"),
        Page("quizzes.questions", f"/quizzes/manage/{a}/questions", ADMINS),
        Page("quizzes.questions", f"/quizzes/manage/{c}/questions", COMMITTEE, note="other branch"),
        Page("quizzes.add_fixed", f"/quizzes/manage/{a}/questions/fixed", ADMINS, "POST", data={"question_ids": str(bank.single.id)}),
        Page("quizzes.add_fixed", f"/quizzes/manage/{c}/questions/fixed", COMMITTEE, "POST", note="other branch"),
        Page("quizzes.add_draw", f"/quizzes/manage/{a}/questions/draw", ADMINS, "POST", data=draw),
        Page("quizzes.add_draw", f"/quizzes/manage/{c}/questions/draw", COMMITTEE, "POST", data=draw, note="other branch"),
        Page("quizzes.move_slot", f"/quizzes/manage/{a}/slots/{slot_a.id}/move", ADMINS, "POST", data={"direction": "down"}),
        Page("quizzes.move_slot", f"/quizzes/manage/{c}/slots/{slot_c.id}/move", COMMITTEE, "POST", note="other branch"),
        Page("quizzes.remove_slot", f"/quizzes/manage/{a}/slots/{slot_a.id}/remove", ADMINS, "POST"),
        Page("quizzes.remove_slot", f"/quizzes/manage/{c}/slots/{slot_c.id}/remove", COMMITTEE, "POST", note="other branch"),
        Page("quizzes.audience", f"/quizzes/manage/{a}/audience", ADMINS),
        Page("quizzes.audience", f"/quizzes/manage/{c}/audience", COMMITTEE, note="other branch"),
        Page("quizzes.audience", f"/quizzes/manage/{a}/audience", ADMINS, "POST", data={"branches": str(org.branch_a.id)}),
        Page("quizzes.preview", f"/quizzes/manage/{a}/preview", ADMINS),
        Page("quizzes.preview", f"/quizzes/manage/{c}/preview", COMMITTEE, note="other branch"),
        Page("quizzes.copy", f"/quizzes/manage/{a}/copy", ADMINS, "POST"),
        Page("quizzes.copy", f"/quizzes/manage/{c}/copy", COMMITTEE, "POST", note="other branch"),
        Page("quizzes.set_status", f"/quizzes/manage/{c}/status", COMMITTEE, "POST", data={"status": "archived"}, note="other branch"),
        Page("quizzes.set_status", f"/quizzes/manage/{a}/status", ADMINS, "POST", data={"status": "archived"}),
        # Reports and grading
        Page("quizzes.reports", "/quizzes/reports", READERS),
        Page("quizzes.report", f"/quizzes/reports/{a}", READERS),
        Page("quizzes.report", f"/quizzes/reports/{c}", COMMITTEE_READERS, note="other branch"),
        Page("quizzes.item_analysis", f"/quizzes/reports/{a}/items", READERS),
        Page("quizzes.item_analysis", f"/quizzes/reports/{c}/items", COMMITTEE_READERS, note="other branch"),
        Page("quizzes.report_xlsx", f"/quizzes/reports/{a}/export.xlsx", READERS),
        Page("quizzes.report_xlsx", f"/quizzes/reports/{c}/export.xlsx", COMMITTEE_READERS, note="other branch"),
        Page("quizzes.attempts_of", f"/quizzes/reports/{a}/people/{org.contact_a.id}", READERS),
        Page("quizzes.attempts_of", f"/quizzes/reports/{c}/people/{org.learner_c.id}", COMMITTEE_READERS, note="other branch"),
        Page("quizzes.attempt_detail", f"/quizzes/reports/attempts/{graded.id}", READERS),
        Page("quizzes.attempt_detail", f"/quizzes/reports/attempts/{theirs.id}", COMMITTEE_READERS, note="other branch"),
        Page("quizzes.grading_queue", "/quizzes/grading", ADMINS),
        Page("quizzes.grade_item", f"/quizzes/grading/{essay_a.id}", ADMINS),
        Page("quizzes.grade_item", f"/quizzes/grading/{essay_c.id}", COMMITTEE, note="other branch"),
        Page("quizzes.grade_item", f"/quizzes/grading/{essay_a.id}", ADMINS, "POST", data={"score": "3"}),
        Page("quizzes.grade_item", f"/quizzes/grading/{essay_c.id}", COMMITTEE, "POST", data={"score": "3"}, note="other branch"),
    ]
