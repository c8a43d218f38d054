"""Who may see, use and edit the question bank.

The decision (this docstring is its documentation; the lead may copy it into docs/):
- The committee's bank (categories with no owning branch) is seen and used for quizzes by every
  administrator; only committee admins edit it.
- A branch may keep its own bank (a category tree owned by the branch). Its admins, and the admins
  of the branches above it, see and edit it; admins elsewhere do not even learn it exists (404).
- Auditors read everything and change nothing. Learners and training contacts have no bank pages:
  they meet questions only inside a quiz attempt.
Each rule comes as an object check and a query filter, like learnapp.security.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import ColumnElement, false, or_, select, true

from learnapp.bank.models import Question, QuestionCategory
from learnapp.security import (
    admin_paths,
    branch_ids_under,
    get_or_404,
    is_auditor,
    is_committee_admin,
)


def can_open_bank(actor) -> bool:
    """Bank pages are for administrators (any branch) and auditors."""
    return bool(admin_paths(actor)) or is_auditor(actor)


def _ancestor_ids(paths: list[str]) -> set[int]:
    """Ids of the branches on the way from the root to each administered branch."""
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


def visible_categories(actor) -> ColumnElement[bool]:
    """Filter on QuestionCategory: the categories whose questions the actor may see and use."""
    if is_committee_admin(actor) or is_auditor(actor):
        return true()
    paths = admin_paths(actor)
    if not paths:
        return false()
    return or_(
        QuestionCategory.branch_id.is_(None),
        QuestionCategory.branch_id.in_(_ancestor_ids(paths)),
        QuestionCategory.branch_id.in_(branch_ids_under(paths)),
    )


def editable_categories(actor) -> ColumnElement[bool]:
    """Filter on QuestionCategory: the categories the actor may change."""
    if is_committee_admin(actor):
        return true()
    paths = admin_paths(actor)
    if not paths:
        return false()
    return QuestionCategory.branch_id.in_(branch_ids_under(paths))


def usable_questions(actor) -> ColumnElement[bool]:
    """Filter on Question: questions the actor may see (and, if an admin, put in a quiz)."""
    return Question.category_id.in_(select(QuestionCategory.id).where(visible_categories(actor)))


def can_view_category(actor, category: QuestionCategory) -> bool:
    if is_committee_admin(actor) or is_auditor(actor):
        return True
    paths = admin_paths(actor)
    if not paths:
        return False
    if category.branch_id is None:
        return True
    branch_path = category.branch.path
    return category.branch_id in _ancestor_ids(paths) or any(branch_path.startswith(p) for p in paths)


def can_edit_category(actor, category: QuestionCategory) -> bool:
    if is_committee_admin(actor):
        return True
    if category.branch_id is None:
        return False
    return any(category.branch.path.startswith(p) for p in admin_paths(actor))


def can_view_question(actor, question: Question) -> bool:
    return can_view_category(actor, question.category)


def can_edit_question(actor, question: Question) -> bool:
    return can_edit_category(actor, question.category)


def can_create_root(actor) -> bool:
    """Committee admins create committee-wide roots; branch admins roots owned by their branches."""
    return bool(admin_paths(actor))


def get_category_or_404(actor, category_id: int, *, edit: bool = False) -> QuestionCategory:
    """A category the actor may see (404 otherwise); with edit=True also one they may change (403)."""
    category = get_or_404(QuestionCategory, category_id, lambda c: can_view_category(actor, c))
    if edit and not can_edit_category(actor, category):
        abort(403)
    return category


def get_question_or_404(actor, question_id: int, *, edit: bool = False) -> Question:
    """A question the actor may see (404 otherwise); with edit=True also one they may change (403)."""
    question = get_or_404(Question, question_id, lambda q: can_view_question(actor, q))
    if edit and not can_edit_question(actor, question):
        abort(403)
    return question
