"""Every page and form of the question bank for the permission matrix.

Records: a question in the committee's bank (every admin and the auditor see it; only committee
admins change it), one in branch_a's own bank (admin_a and admin_g1 change it) and one in
branch_c's bank (out of admin_a's and admin_g1's scope: tampered URLs answer 404).
"""

from __future__ import annotations

from learnapp.bank import services
from learnapp.bank.formats.base import ParsedQuestion
from learnapp.bank.models import QuestionKind
from learnapp.security import SYSTEM
from tests.helpers.matrix import ADMINS, COMMITTEE, READERS, Page

BRANCH_A_EDITORS = frozenset({"branch_admin", "general_admin", "committee_admin"})
BRANCH_A_READERS = BRANCH_A_EDITORS | {"auditor"}
NOBODY: frozenset[str] = frozenset()


def _question(category, stem):
    pq = ParsedQuestion(kind=QuestionKind.truefalse, stem=stem, answer=True, explanation="解析", source="党章")
    return services.create_question(SYSTEM, category, pq)


def _edit_form(question) -> dict:
    return {"category_id": question.category_id, "stem": question.current_version.stem + "（改）", "tf_answer": "true",
            "default_points": 1, "difficulty": 0}


def pages(org) -> list[Page]:
    committee_cat = services.create_category(SYSTEM, "党章")
    a_cat = services.create_category(SYSTEM, "甲支部题库", branch=org.branch_a)
    c_cat = services.create_category(SYSTEM, "丙支部题库", branch=org.branch_c)
    committee_q = _question(committee_cat, "党的基层组织是战斗堡垒。")
    a_q = _question(a_cat, "甲支部题目。")
    c_q = _question(c_cat, "丙支部题目。")
    retired_a = _question(a_cat, "甲支部已停用题目。")
    services.retire_question(SYSTEM, retired_a)

    result = [
        Page("bank.index", "/bank/", READERS),
        Page("bank.index", f"/bank/?category={a_cat.id}", BRANCH_A_READERS, note="branch_a bank"),
        Page("bank.index", f"/bank/?category={c_cat.id}", COMMITTEE | {"auditor"}, note="branch_c bank"),
        Page("bank.template", "/bank/template.xlsx", READERS),
        Page("bank.template", "/bank/template.csv", READERS, note="csv"),
        Page("bank.export", f"/bank/categories/{committee_cat.id}/export/gift", READERS),
        Page("bank.export", f"/bank/categories/{a_cat.id}/export/xlsx", BRANCH_A_READERS, note="branch_a"),
        Page("bank.export", f"/bank/categories/{c_cat.id}/export/moodle-xml", COMMITTEE | {"auditor"}, note="branch_c"),
        # categories
        Page("bank.category_new", "/bank/categories/new", ADMINS),
        Page("bank.category_new", "/bank/categories/new", ADMINS, "POST", {"name": "新分类", "branch_id": org.branch_a.id},
             note="root of branch_a"),
        Page("bank.category_new", f"/bank/categories/new?parent={committee_cat.id}", COMMITTEE, note="under committee"),
        Page("bank.category_new", f"/bank/categories/new?parent={a_cat.id}", BRANCH_A_EDITORS, "POST",
             {"name": "子类", "parent_id": a_cat.id}, note="under branch_a"),
        Page("bank.category_new", f"/bank/categories/new?parent={c_cat.id}", COMMITTEE, note="under branch_c"),
        Page("bank.category_edit", f"/bank/categories/{committee_cat.id}/edit", COMMITTEE),
        Page("bank.category_edit", f"/bank/categories/{a_cat.id}/edit", BRANCH_A_EDITORS, "POST",
             {"name": "甲支部题库（改）", "parent_id": 0}, note="branch_a"),
        Page("bank.category_edit", f"/bank/categories/{c_cat.id}/edit", COMMITTEE, note="branch_c"),
        Page("bank.category_delete", f"/bank/categories/{a_cat.id}/delete", BRANCH_A_EDITORS, "POST", note="branch_a (refused: not empty)"),
        Page("bank.category_delete", f"/bank/categories/{c_cat.id}/delete", COMMITTEE, "POST", note="branch_c"),
        # questions
        Page("bank.question_detail", f"/bank/questions/{committee_q.id}", READERS),
        Page("bank.question_detail", f"/bank/questions/{a_q.id}?v=1", BRANCH_A_READERS, note="branch_a"),
        Page("bank.question_detail", f"/bank/questions/{c_q.id}", COMMITTEE | {"auditor"}, note="branch_c"),
        Page("bank.question_preview", f"/bank/questions/{a_q.id}/preview", BRANCH_A_READERS, note="branch_a"),
        Page("bank.question_preview", f"/bank/questions/{c_q.id}/preview", COMMITTEE | {"auditor"}, note="branch_c"),
        Page("bank.question_new", "/bank/questions/new", ADMINS, note="choose kind"),
        Page("bank.question_new", f"/bank/questions/new?kind=single&category={committee_cat.id}", COMMITTEE, note="committee bank"),
        Page("bank.question_new", f"/bank/questions/new?kind=truefalse&category={a_cat.id}", BRANCH_A_EDITORS, note="branch_a"),
        Page("bank.question_new", "/bank/questions/new?kind=truefalse", BRANCH_A_EDITORS, "POST",
             {"category_id": a_cat.id, "stem": "新题", "tf_answer": "false", "default_points": 1, "difficulty": 0},
             note="post into branch_a"),
        Page("bank.question_edit", f"/bank/questions/{committee_q.id}/edit", COMMITTEE),
        Page("bank.question_edit", f"/bank/questions/{a_q.id}/edit", BRANCH_A_EDITORS, "POST", _edit_form(a_q), note="branch_a"),
        Page("bank.question_edit", f"/bank/questions/{c_q.id}/edit", COMMITTEE, "POST", _edit_form(c_q), note="branch_c"),
        Page("bank.question_retire", f"/bank/questions/{a_q.id}/retire", BRANCH_A_EDITORS, "POST", note="branch_a"),
        Page("bank.question_retire", f"/bank/questions/{c_q.id}/retire", COMMITTEE, "POST", note="branch_c"),
        Page("bank.question_retire", f"/bank/questions/{committee_q.id}/retire", COMMITTEE, "POST", note="committee"),
        Page("bank.question_restore", f"/bank/questions/{retired_a.id}/restore", BRANCH_A_EDITORS, "POST", note="branch_a"),
        Page("bank.question_restore", f"/bank/questions/{c_q.id}/restore", COMMITTEE, "POST", note="branch_c"),
        # import: the upload page; a token this session did not create answers 404 to everyone
        Page("bank.import_upload", "/bank/import", ADMINS),
        Page("bank.import_upload", "/bank/import", ADMINS, "POST", {"format": "gift", "category_id": a_cat.id},
             note="no file (form error)"),
        Page("bank.import_preview", "/bank/import/" + "x" * 32, NOBODY, note="foreign token"),
        Page("bank.import_preview", "/bank/import/" + "x" * 32, NOBODY, "POST", note="foreign token"),
        Page("bank.import_cancel", "/bank/import/" + "x" * 32 + "/cancel", NOBODY, "POST", note="foreign token"),
    ]
    return result
