"""Reads on the question bank, always scoped by what the actor may see (bank/access.py).

Public API for other domains (the quizzes use these):
- `question_select(actor, filters)` → select(Question, QuestionVersion) of current versions;
- `questions_for_draw(actor, category=..., tag=..., source=..., knowledge_point=...)` → select(Question);
- `subtree_ids(category)`; `category_options(actor, editable=...)`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Select, String, cast, func, or_, select, true
from sqlalchemy.orm import selectinload

from learnapp.bank.access import editable_categories, usable_questions, visible_categories
from learnapp.bank.formats.base import ParsedQuestion
from learnapp.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from learnapp.db import db

RETIRED_ACTIVE, RETIRED_ONLY, RETIRED_ALL = "active", "retired", "all"


@dataclass
class QuestionFilters:
    category_id: int | None = None  # the category and its subtree
    kind: str | None = None
    source: str | None = None
    knowledge_point: str | None = None
    tag: str | None = None
    difficulty: int | None = None
    retired: str = RETIRED_ACTIVE
    text: str | None = None


def _json_list_contains(column, value: str):
    """True where a JSON list column holds `value` exactly (same text as the JSON serialiser wrote).

    JSON is stored as text on SQLite and as `json` (verbatim text) on PostgreSQL, so a LIKE on the
    serialised item works on both; autoescape keeps %, _ and backslashes in the value literal.
    """
    return cast(column, String).contains(json.dumps(value), autoescape=True)


def subtree_ids(category: QuestionCategory):
    """A subquery of the ids of `category` and everything below it."""
    return select(QuestionCategory.id).where(QuestionCategory.path.startswith(category.path, autoescape=True)).scalar_subquery()


def question_select(actor, filters: QuestionFilters | None = None) -> Select:
    """select(Question, QuestionVersion) of current versions the actor may see, newest first."""
    f = filters or QuestionFilters()
    stmt = (
        select(Question, QuestionVersion)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(usable_questions(actor))
    )
    if f.category_id:
        category = db.session.get(QuestionCategory, f.category_id)
        if category is not None:
            stmt = stmt.where(Question.category_id.in_(subtree_ids(category)))
    if f.kind:
        stmt = stmt.where(QuestionVersion.kind == QuestionKind(f.kind))
    if f.source:
        stmt = stmt.where(QuestionVersion.source == f.source)
    if f.knowledge_point:
        stmt = stmt.where(_json_list_contains(QuestionVersion.knowledge_points, f.knowledge_point))
    if f.tag:
        stmt = stmt.where(_json_list_contains(QuestionVersion.tags, f.tag))
    if f.difficulty:
        stmt = stmt.where(QuestionVersion.difficulty == f.difficulty)
    if f.retired == RETIRED_ACTIVE:
        stmt = stmt.where(Question.retired.is_(False))
    elif f.retired == RETIRED_ONLY:
        stmt = stmt.where(Question.retired.is_(True))
    if f.text:
        needle = f.text.strip().lower()
        stmt = stmt.where(or_(
            func.lower(QuestionVersion.stem).contains(needle, autoescape=True),
            func.lower(func.coalesce(QuestionVersion.title, "")).contains(needle, autoescape=True),
            func.lower(QuestionVersion.explanation).contains(needle, autoescape=True),
        ))
    return stmt.order_by(Question.id.desc())


def questions_for_draw(actor, *, category: QuestionCategory | None = None, kind: str | None = None, source: str | None = None,
                       knowledge_point: str | None = None, tag: str | None = None) -> Select:
    """select(Question) of active questions matching a random-draw rule ("10 from 党章, 5 tagged 纪律")."""
    filters = QuestionFilters(category_id=category.id if category else None, kind=kind, source=source,
                              knowledge_point=knowledge_point, tag=tag)
    sub = question_select(actor, filters).with_only_columns(Question.id).order_by(None).scalar_subquery()
    return select(Question).where(Question.id.in_(sub)).order_by(Question.id)


@dataclass
class TreeNode:
    category: QuestionCategory
    depth: int
    count: int  # active questions directly in this category
    total: int  # active questions in the subtree
    editable: bool


def category_tree(actor, *, everything: bool = False) -> list[TreeNode]:
    """Visible categories in tree order (parents before children, siblings in creation order).
    `everything`: the whole tree regardless of actor (the CLI, which runs as the system)."""
    seen = true() if everything else visible_categories(actor)
    categories = list(db.session.scalars(select(QuestionCategory).where(seen)))
    editable_ids = set(db.session.scalars(select(QuestionCategory.id).where(true() if everything else editable_categories(actor))))
    counts = dict(db.session.execute(
        select(Question.category_id, func.count(Question.id)).where(Question.retired.is_(False)).group_by(Question.category_id)
    ).all())
    by_id = {c.id: c for c in categories}

    def sort_key(c: QuestionCategory):
        # Siblings in creation order (imports keep the file's order), unless sort_order says otherwise.
        ids = [int(p) for p in c.path.strip("/").split("/") if p]
        return [(by_id[i].sort_order, i) if i in by_id else (0, i) for i in ids]

    nodes = []
    for c in sorted(categories, key=sort_key):
        total = sum(n for cid, n in counts.items() if cid in by_id and by_id[cid].path.startswith(c.path))
        nodes.append(TreeNode(c, c.depth, counts.get(c.id, 0), total, c.id in editable_ids))
    return nodes


def category_options(actor, *, editable: bool = False) -> list[tuple[int, str]]:
    """(id, indented label) for a select box, in tree order."""
    return [(n.category.id, "\u3000" * n.depth + n.category.name) for n in category_tree(actor) if n.editable or not editable]


def facets(actor) -> dict[str, list[str]]:
    """Distinct sources, knowledge points and tags of visible questions (for filter menus)."""
    rows = db.session.execute(
        select(QuestionVersion.source, QuestionVersion.knowledge_points, QuestionVersion.tags)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(usable_questions(actor))
    ).all()
    sources, kps, tags = set(), set(), set()
    for source, kp, tag in rows:
        if source:
            sources.add(source)
        kps.update(kp or [])
        tags.update(tag or [])
    return {"sources": sorted(sources), "knowledge_points": sorted(kps), "tags": sorted(tags)}


def versions_of(question: Question) -> list[QuestionVersion]:
    """All versions, newest first."""
    return list(db.session.scalars(
        select(QuestionVersion).where(QuestionVersion.question_id == question.id).order_by(QuestionVersion.number.desc())
    ))


def export_questions(category: QuestionCategory, *, include_retired: bool = False) -> list[ParsedQuestion]:
    """The current versions of the subtree's questions in the intermediate form, with full paths."""
    stmt = (
        select(Question, QuestionVersion, QuestionCategory)
        .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .join(QuestionCategory, Question.category_id == QuestionCategory.id)
        .where(Question.category_id.in_(subtree_ids(category)))
        .order_by(QuestionCategory.path, Question.id)
    )
    if not include_retired:
        stmt = stmt.where(Question.retired.is_(False))
    names = dict(db.session.execute(select(QuestionCategory.id, QuestionCategory.name)).all())
    result = []
    for _question, version, cat in db.session.execute(stmt).all():
        path = [names[int(i)] for i in cat.path.strip("/").split("/") if i and int(i) in names]
        result.append(ParsedQuestion.from_version(version, path))
    return result


def categories_by_path(actor) -> list[QuestionCategory]:
    """The categories the actor sees, by path (a form's choices)."""
    return list(db.session.scalars(select(QuestionCategory).where(visible_categories(actor)).order_by(QuestionCategory.path)))


def visible_category(actor, category_id: int) -> QuestionCategory | None:
    """The category of this id if the actor sees it, else None."""
    return db.session.scalar(select(QuestionCategory).where(QuestionCategory.id == category_id, visible_categories(actor)))


def usable_questions_among(actor, question_ids) -> list[Question]:
    """Those of these questions the actor may put in a quiz."""
    return list(db.session.scalars(select(Question).where(Question.id.in_(question_ids), usable_questions(actor))))


def versions_by_id(version_ids) -> dict[int, QuestionVersion]:
    """Question versions by id (a quiz's planned draw carries version ids)."""
    return {v.id: v for v in db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(version_ids)))}


def current_questions_matching(actor, category: QuestionCategory | None, text: str, limit: int) -> list:
    """(Question, its current version) rows the actor may use, not retired, in the category's subtree
    and/or with `text` in the stem or source, by id; neither given: none (nothing is read)."""
    if category is None and not text:
        return []
    stmt = (select(Question, QuestionVersion).join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
            .where(usable_questions(actor), Question.retired.is_(False)).order_by(Question.id))
    if category is not None:
        stmt = stmt.join(QuestionCategory, QuestionCategory.id == Question.category_id).where(
            QuestionCategory.path.startswith(category.path, autoescape=True))
    if text:
        stmt = stmt.where(or_(QuestionVersion.stem.contains(text, autoescape=True),
                              QuestionVersion.source.contains(text, autoescape=True)))
    return db.session.execute(stmt.limit(limit)).all()


def questions_page(actor, filters: QuestionFilters, page: int, per_page: int):
    """A page of the questions `question_select` finds (a Flask-SQLAlchemy Pagination of Question,
    their current versions loaded in one more statement)."""
    stmt = question_select(actor, filters).with_only_columns(Question).options(selectinload(Question.current_version))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
