"""Writes on the question bank: categories, questions and their versions, retire/restore.

Services take an explicit actor (None: the system, e.g. the demo loader), flush but never commit,
raise DomainError with (field, message) reasons, and audit every change in the same transaction.
Import of files lives in bank/importing.py.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from learnapp import audit
from learnapp.bank.access import can_create_root, can_edit_category
from learnapp.bank.formats.base import ParsedQuestion, check_question, split_list
from learnapp.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from learnapp.bank.normalise import fingerprint
from learnapp.clock import now
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.security import can_manage_branch, is_committee_admin, is_system

MAX_DEPTH = 8


# --- categories -----------------------------------------------------------------------------

def _require_edit(actor, category: QuestionCategory) -> None:
    if not is_system(actor) and not can_edit_category(actor, category):
        raise DomainError(_("You may not change this part of the question bank."))


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise DomainError(_("Enter a name of at most 120 characters."), "name")
    if "/" in name:
        raise DomainError(_("A category name cannot contain “/” (it separates levels in paths)."), "name")
    return name


def _check_sibling(name: str, parent_id: int | None, branch_id: int | None, exclude_id: int | None = None) -> None:
    stmt = select(QuestionCategory.id).where(QuestionCategory.name == name)
    if parent_id is None:
        stmt = stmt.where(QuestionCategory.parent_id.is_(None))
        stmt = stmt.where(QuestionCategory.branch_id.is_(None) if branch_id is None else QuestionCategory.branch_id == branch_id)
    else:
        stmt = stmt.where(QuestionCategory.parent_id == parent_id)
    if exclude_id is not None:
        stmt = stmt.where(QuestionCategory.id != exclude_id)
    if db.session.scalar(stmt.limit(1)) is not None:
        raise DomainError(_("A category named %(name)s already exists here.", name=name), "name")


def create_category(actor, name: str, parent: QuestionCategory | None = None, *, branch=None,
                    description: str = "") -> QuestionCategory:
    """Add a category under `parent`, or a root owned by `branch` (None: the committee's bank)."""
    name = _clean_name(name)
    if parent is not None:
        _require_edit(actor, parent)
        if parent.depth + 1 >= MAX_DEPTH:
            raise DomainError(_("Categories may be nested at most %(n)d levels deep.", n=MAX_DEPTH), "parent_id")
        branch_id = parent.branch_id
    else:
        if not is_system(actor):
            if branch is None and not is_committee_admin(actor):
                raise DomainError(_("Only committee admins add to the committee's bank."), "branch_id")
            if branch is not None and not (can_create_root(actor) and can_manage_branch(actor, branch)):
                raise DomainError(_("You may not add a bank for this branch."), "branch_id")
        branch_id = branch.id if branch is not None else None
    _check_sibling(name, parent.id if parent else None, branch_id)
    category = QuestionCategory(name=name, parent=parent, branch_id=branch_id, description=(description or "").strip(), path="")
    db.session.add(category)
    db.session.flush()
    category.path = f"{parent.path if parent else '/'}{category.id}/"
    audit.record(actor, "bank.category.create", category, branch=category.branch, summary=" / ".join(path_names(category)),
                 after={"name": name, "parent_id": category.parent_id, "branch_id": branch_id})
    db.session.flush()
    return category


def update_category(actor, category: QuestionCategory, name: str, description: str = "") -> None:
    """Rename a category or change its description."""
    _require_edit(actor, category)
    name = _clean_name(name)
    _check_sibling(name, category.parent_id, category.branch_id, exclude_id=category.id)
    before = {"name": category.name, "description": category.description}
    after = {"name": name, "description": (description or "").strip()}
    if before == after:
        return
    category.name, category.description = after["name"], after["description"]
    audit.record(actor, "bank.category.update", category, branch=category.branch, summary=name, before=before, after=after)
    db.session.flush()


def move_category(actor, category: QuestionCategory, new_parent: QuestionCategory) -> None:
    """Move a category (and its subtree) under another category of the same owner."""
    _require_edit(actor, category)
    _require_edit(actor, new_parent)
    if new_parent.path.startswith(category.path):
        raise DomainError(_("A category cannot be moved into its own subtree."), "parent_id")
    if new_parent.branch_id != category.branch_id:
        raise DomainError(_("A category can only move within the same bank."), "parent_id")
    if new_parent.id == category.parent_id:
        return
    _check_sibling(category.name, new_parent.id, category.branch_id, exclude_id=category.id)
    old_path, old_parent = category.path, category.parent
    new_path = f"{new_parent.path}{category.id}/"
    for node in db.session.scalars(select(QuestionCategory).where(QuestionCategory.path.startswith(old_path, autoescape=True))):
        node.path = new_path + node.path[len(old_path):]
    category.parent = new_parent
    audit.record(actor, "bank.category.move", category, branch=category.branch, summary=category.name,
                 before={"parent": old_parent.name if old_parent else None}, after={"parent": new_parent.name})
    db.session.flush()


def delete_category(actor, category: QuestionCategory) -> None:
    """Delete an empty category (no sub-categories, no questions, retired ones included)."""
    _require_edit(actor, category)
    if db.session.scalar(select(func.count(QuestionCategory.id)).where(QuestionCategory.parent_id == category.id)):
        raise DomainError(_("The category has sub-categories; delete or move them first."))
    if db.session.scalar(select(func.count(Question.id)).where(Question.category_id == category.id)):
        raise DomainError(_("The category holds questions; move them first (retired questions count: their history is kept)."))
    audit.record(actor, "bank.category.delete", category, branch=category.branch, summary=" / ".join(path_names(category)),
                 before={"name": category.name, "parent_id": category.parent_id})
    db.session.delete(category)
    db.session.flush()


def path_names(category: QuestionCategory) -> list[str]:
    """Names from the root down to `category`."""
    ids = [int(p) for p in category.path.strip("/").split("/") if p]
    if not ids:
        return [category.name]
    names = dict(db.session.execute(select(QuestionCategory.id, QuestionCategory.name).where(QuestionCategory.id.in_(ids))).all())
    names[category.id] = category.name
    return [names[i] for i in ids if i in names]


def ensure_path(actor, names: list[str], base: QuestionCategory | None = None, *, branch=None) -> QuestionCategory:
    """The category at `names` below `base` (or among the roots of `branch`'s bank), created as needed."""
    if not names and base is None:
        names = [_("Uncategorised")]
    current = base
    for raw in names:
        name = _clean_name(raw.replace("/", "-"))
        stmt = select(QuestionCategory).where(QuestionCategory.name == name)
        if current is None:
            owner = branch.id if branch is not None else None
            stmt = stmt.where(QuestionCategory.parent_id.is_(None),
                              QuestionCategory.branch_id.is_(None) if owner is None else QuestionCategory.branch_id == owner)
        else:
            stmt = stmt.where(QuestionCategory.parent_id == current.id)
        found = db.session.scalar(stmt)
        current = found or create_category(actor, name, current, branch=branch)
    assert current is not None
    return current


# --- questions ------------------------------------------------------------------------------

def clean(pq: ParsedQuestion) -> ParsedQuestion:
    """Tidy a question's fields (spaces, empty items, duplicates) without changing its meaning."""
    pq.stem = (pq.stem or "").strip().replace("\r\n", "\n")
    pq.title = (pq.title or "").strip() or None
    pq.explanation = (pq.explanation or "").strip().replace("\r\n", "\n")
    pq.reference_answer = (pq.reference_answer or "").strip().replace("\r\n", "\n")
    pq.source = (pq.source or "").strip() or None
    pq.knowledge_points = split_list("\n".join(pq.knowledge_points))
    pq.tags = split_list("\n".join(pq.tags))
    kind = QuestionKind(pq.kind)
    if kind.is_choice:
        pq.options = [{**o, "text": str(o.get("text", "")).strip(), "fraction": int(o.get("fraction", 0))} for o in pq.options]
        pq.answer = None
    else:
        pq.options = []
    if kind == QuestionKind.fill_blank:
        pq.answer = [[str(a).strip() for a in blank if str(a).strip()] for blank in pq.answer or []]
    elif kind == QuestionKind.essay:
        pq.answer = None
    return pq


def validate(pq: ParsedQuestion) -> None:
    """Raise DomainError with every problem of the question, each on its form field."""
    problems = check_question(pq)
    if problems:
        raise DomainError(problems)


def _new_version(actor, question: Question, pq: ParsedQuestion, number: int, note: str) -> QuestionVersion:
    content = pq.content()
    version = QuestionVersion(question=question, number=number, created_by_id=getattr(actor, "id", None),
                              fingerprint=fingerprint(content["kind"], content["stem"], content["options"], content["answer"]),
                              change_note=(note or "")[:255], **content)
    db.session.add(version)
    db.session.flush()
    question.current_version = version
    db.session.flush()
    return version


def add_question(actor, category: QuestionCategory, pq: ParsedQuestion, note: str = "") -> Question:
    """Store a question (version 1) without an audit entry: for callers that audit in bulk."""
    _require_edit(actor, category)
    clean(pq)
    validate(pq)
    question = Question(category=category, created_by_id=getattr(actor, "id", None), retired=False)
    db.session.add(question)
    db.session.flush()
    _new_version(actor, question, pq, 1, note)
    return question


def create_question(actor, category: QuestionCategory, pq: ParsedQuestion, note: str = "") -> Question:
    """Create a question in `category`; audited."""
    question = add_question(actor, category, pq, note)
    version = question.current_version
    audit.record(actor, "bank.question.create", question, branch=category.branch, summary=_summary(version),
                 after={"kind": version.kind, "category": category.name, "version": 1})
    return question


def edit_question(actor, question: Question, pq: ParsedQuestion, *, category: QuestionCategory | None = None,
                  note: str = "") -> QuestionVersion | None:
    """Save an edit: a new version if the content changed (older versions stay as they were),
    and a move if the category changed. Returns the new version, or None when the content is the same."""
    _require_edit(actor, question.category)
    if question.retired:
        raise DomainError(_("Restore the question before editing it."))
    clean(pq)
    pq.kind = QuestionKind(question.current_version.kind)  # the kind is fixed for a question's life
    validate(pq)
    if category is not None and category.id != question.category_id:
        move_question(actor, question, category)
    current = question.current_version
    before = {k: getattr(current, k) for k in pq.content()}
    if before == pq.content():
        return None
    version = _new_version(actor, question, pq, current.number + 1, note)
    changed = sorted(k for k, v in pq.content().items() if before[k] != v)
    audit.record(actor, "bank.question.edit", question, branch=question.category.branch, summary=_summary(version),
                 before={k: before[k] for k in changed}, after={k: getattr(version, k) for k in changed},
                 version=version.number, note=note)
    return version


def move_question(actor, question: Question, category: QuestionCategory) -> None:
    """Put a question in another category (no new version: its content is unchanged)."""
    _require_edit(actor, question.category)
    _require_edit(actor, category)
    if category.branch_id != question.category.branch_id and not is_system(actor) and not is_committee_admin(actor):
        raise DomainError(_("Only committee admins move questions between banks."), "category_id")
    before = question.category
    question.category = category
    audit.record(actor, "bank.question.move", question, branch=category.branch, summary=_summary(question.current_version),
                 before={"category": before.name}, after={"category": category.name})
    db.session.flush()


def retire_question(actor, question: Question) -> None:
    """Take a question out of use; its versions stay, so past attempts keep their questions."""
    _require_edit(actor, question.category)
    if question.retired:
        return
    question.retired, question.retired_at = True, now()
    audit.record(actor, "bank.question.retire", question, branch=question.category.branch,
                 summary=_summary(question.current_version), before={"retired": False}, after={"retired": True})
    db.session.flush()


def restore_question(actor, question: Question) -> None:
    """Put a retired question back into use."""
    _require_edit(actor, question.category)
    if not question.retired:
        return
    question.retired, question.retired_at = False, None
    audit.record(actor, "bank.question.restore", question, branch=question.category.branch,
                 summary=_summary(question.current_version), before={"retired": True}, after={"retired": False})
    db.session.flush()


def _summary(version: QuestionVersion | None) -> str:
    if version is None:
        return ""
    text = version.title or " ".join(version.stem.split())
    return text[:80]
