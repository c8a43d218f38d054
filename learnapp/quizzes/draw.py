"""Which questions an attempt gets, in which order: reproducible from the attempt's stored seed.

Everything random comes from one `random.Random(seed)`, consumed in a fixed order (slots by
position, candidates by question id), so the same quiz, bank and seed always give the same plan.

Starting an attempt draws a plan, often hundreds of times a minute when a whole committee starts
an exam together, so the plan is read as plain rows, never ORM objects: one statement for the
quiz's slots with their fixed questions' current versions, one per random slot for its pool (ids
only), and one for the versions a random slot picked. Nothing is cached between requests: which
version is current, and whether a question is retired, can change in the bank at any moment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, literal, or_, select, union
from sqlalchemy.orm import aliased

from learnapp.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from learnapp.db import db
from learnapp.quizzes.models import (
    Attempt,
    AttemptItem,
    Quiz,
    QuizKind,
    QuizSlot,
    QuizStatus,
    SlotKind,
)

SHUFFLED_KINDS = (QuestionKind.single, QuestionKind.multiple)


@dataclass(frozen=True)
class Version:
    """What a draw needs of a question version (the row itself is immutable in the bank)."""

    id: int
    kind: QuestionKind
    option_keys: tuple[str, ...]
    default_points: int | None


@dataclass
class PlannedItem:
    slot_id: int
    question_id: int
    version: Version
    points: int
    option_order: list[str] = field(default_factory=list)

    @property
    def version_id(self) -> int:
        return self.version.id


def _version(version_id: int, kind, options: list[dict[str, Any]] | None, default_points: int | None) -> Version:
    return Version(version_id, QuestionKind(kind), tuple(str(o["key"]) for o in options or []), default_points)


_current = aliased(QuestionVersion)
# Built once: a start is frequent, and building a statement costs more than running this one.
_SLOT_ROWS = (
    select(QuizSlot.id, QuizSlot.kind, QuizSlot.question_id, QuizSlot.category_id, QuizSlot.include_subcategories,
           QuizSlot.tag, QuizSlot.count, QuizSlot.points, Question.retired, _current.id.label("version_id"),
           _current.kind.label("version_kind"), _current.options, _current.default_points)
    .outerjoin(Question, Question.id == QuizSlot.question_id)
    .outerjoin(_current, _current.id == Question.current_version_id)
    .where(QuizSlot.quiz_id == bindparam("quiz_id"))
    .order_by(QuizSlot.position, QuizSlot.id)
)


def _slot_rows(quiz: Quiz) -> list[Any]:
    """The quiz's slots by position, each with its fixed question's state and current version."""
    return db.session.execute(_SLOT_ROWS, {"quiz_id": quiz.id}).all()


def candidates(slot) -> list[tuple[int, int]]:
    """(question id, current version id) a random slot may draw from, by question id (usable, not
    retired). `slot` is a QuizSlot or a row with its category_id, include_subcategories and tag."""
    stmt = (
        select(Question.id, Question.current_version_id)
        .where(Question.retired.is_(False), Question.current_version_id.is_not(None))
        .order_by(Question.id)
    )
    if slot.category_id is not None:
        if slot.include_subcategories:
            # Category paths are "/1/5/": digits and slashes, nothing LIKE would treat specially.
            root = select(QuestionCategory.path).where(QuestionCategory.id == slot.category_id).scalar_subquery()
            stmt = stmt.join(QuestionCategory, QuestionCategory.id == Question.category_id).where(
                QuestionCategory.path.like(root + literal("%")))
        else:
            stmt = stmt.where(Question.category_id == slot.category_id)
    if not slot.tag:
        return [(qid, vid) for qid, vid in db.session.execute(stmt)]
    # Tags are a JSON list; matched here so the rule reads the same on SQLite and PostgreSQL.
    stmt = stmt.join(QuestionVersion, QuestionVersion.id == Question.current_version_id).add_columns(QuestionVersion.tags)
    return [(qid, vid) for qid, vid, tags in db.session.execute(stmt) if slot.tag in (tags or [])]


def _versions(ids: set[int]) -> dict[int, Version]:
    if not ids:
        return {}
    rows = db.session.execute(select(QuestionVersion.id, QuestionVersion.kind, QuestionVersion.options,
                                     QuestionVersion.default_points).where(QuestionVersion.id.in_(sorted(ids))))
    return {row.id: _version(*row) for row in rows}


def _overlapping_assessments(quiz: Quiz):
    """The assessment quizzes (not drafts) open at some moment while `quiz` is: a quiz without an
    opening or closing time is open from or until any time."""
    assessment = aliased(Quiz)
    conditions = [assessment.kind == QuizKind.assessment, assessment.status != QuizStatus.draft, assessment.id != quiz.id]
    if quiz.closes_at is not None:
        conditions.append(or_(assessment.opens_at.is_(None), assessment.opens_at < quiz.closes_at))
    if quiz.opens_at is not None:
        conditions.append(or_(assessment.closes_at.is_(None), assessment.closes_at > quiz.opens_at))
    return select(assessment.id).where(and_(*conditions))


def assessment_questions(quiz: Quiz) -> set[int]:
    """Questions a practice quiz that avoids them must not draw: those fixed in an assessment quiz
    of the same period and those already drawn into its attempts."""
    if quiz.kind != QuizKind.practice or not quiz.avoids_assessment_questions:
        return set()
    assessments = _overlapping_assessments(quiz)
    fixed = select(QuizSlot.question_id).where(QuizSlot.quiz_id.in_(assessments), QuizSlot.question_id.is_not(None))
    drawn = (select(AttemptItem.question_id).join(Attempt, Attempt.id == AttemptItem.attempt_id)
             .where(Attempt.quiz_id.in_(assessments)))
    return set(db.session.scalars(union(fixed, drawn)))


def plan(quiz: Quiz, seed: int) -> list[PlannedItem]:
    """The questions (shuffled when the quiz says so) and each one's option order for `seed`."""
    rng = random.Random(seed)
    slots = _slot_rows(quiz)
    taken: set[int] = {s.question_id for s in slots if s.kind == SlotKind.fixed and s.question_id}
    taken |= assessment_questions(quiz)
    # (slot, question id, version or version id, points); random picks get their versions below.
    picked: list[tuple[Any, int, Version | int]] = []
    for slot in slots:
        if slot.kind == SlotKind.fixed:
            if slot.question_id is not None and not slot.retired and slot.version_id is not None:
                version = _version(slot.version_id, slot.version_kind, slot.options, slot.default_points)
                picked.append((slot, slot.question_id, version))
            continue
        pool = [(qid, vid) for qid, vid in candidates(slot) if qid not in taken]
        chosen = rng.sample(pool, min(slot.count, len(pool)))
        chosen.sort(key=lambda pair: pair[0])  # keep bank order until the quiz-wide shuffle
        for qid, vid in chosen:
            taken.add(qid)
            picked.append((slot, qid, vid))
    drawn = _versions({v for _s, _q, v in picked if isinstance(v, int)})
    items = []
    for slot, qid, version in picked:
        version = drawn[version] if isinstance(version, int) else version
        items.append(PlannedItem(slot.id, qid, version, _points(slot, version)))
    if quiz.shuffle_questions:
        rng.shuffle(items)
    for item in items:
        keys = list(item.version.option_keys)
        if quiz.shuffle_options and item.version.kind in SHUFFLED_KINDS:
            rng.shuffle(keys)
        item.option_order = keys
    return items


def slot_shortfall(slot: QuizSlot) -> int:
    """How many questions a random slot lacks in the bank today (0 when it can be filled), the
    questions a practice quiz avoids left out."""
    if slot.kind != SlotKind.random:
        return 0
    avoided = assessment_questions(slot.quiz)
    return max(0, slot.count - sum(1 for qid, _vid in candidates(slot) if qid not in avoided))


def _points(slot, version: Version) -> int:
    return slot.points if slot.points is not None else (version.default_points or 1)
