"""Which questions an attempt gets, in which order: reproducible from the attempt's stored seed.

Everything random comes from one `random.Random(seed)`, consumed in a fixed order (slots by
position, candidates by question id), so the same quiz, bank and seed always give the same plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import select

from learnapp.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from learnapp.db import db
from learnapp.quizzes.models import Quiz, QuizSlot, SlotKind


@dataclass
class PlannedItem:
    slot_id: int
    question_id: int
    version: QuestionVersion
    points: int
    option_order: list[str] = field(default_factory=list)


def candidates(slot: QuizSlot) -> list[tuple[int, QuestionVersion]]:
    """Questions a random slot may draw from, ordered by question id (usable, not retired)."""
    stmt = (
        select(Question.id, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.retired.is_(False))
        .order_by(Question.id)
    )
    if slot.category_id is not None:
        if slot.include_subcategories:
            category = db.session.get(QuestionCategory, slot.category_id)
            stmt = stmt.join(QuestionCategory, QuestionCategory.id == Question.category_id).where(
                QuestionCategory.path.startswith(category.path, autoescape=True)
            )
        else:
            stmt = stmt.where(Question.category_id == slot.category_id)
    rows = [(qid, version) for qid, version in db.session.execute(stmt)]
    if slot.tag:
        # Tags are a JSON list; matched here so the rule reads the same on SQLite and PostgreSQL.
        rows = [(qid, v) for qid, v in rows if slot.tag in (v.tags or [])]
    return rows


def fixed_version(slot: QuizSlot) -> QuestionVersion | None:
    """The current version of a fixed slot's question, or None when it is retired or empty."""
    question = slot.question
    if question is None or question.retired or question.current_version is None:
        return None
    return question.current_version


def plan(quiz: Quiz, seed: int) -> list[PlannedItem]:
    """The questions (shuffled when the quiz says so) and each one's option order for `seed`."""
    rng = random.Random(seed)
    items: list[PlannedItem] = []
    taken: set[int] = {s.question_id for s in quiz.slots if s.kind == SlotKind.fixed and s.question_id}
    for slot in sorted(quiz.slots, key=lambda s: (s.position, s.id)):
        if slot.kind == SlotKind.fixed:
            version = fixed_version(slot)
            if version is not None:
                items.append(PlannedItem(slot.id, slot.question_id, version, _points(slot, version)))
            continue
        pool = [(qid, v) for qid, v in candidates(slot) if qid not in taken]
        chosen = rng.sample(pool, min(slot.count, len(pool)))
        chosen.sort(key=lambda pair: pair[0])  # keep bank order until the quiz-wide shuffle
        for qid, version in chosen:
            taken.add(qid)
            items.append(PlannedItem(slot.id, qid, version, _points(slot, version)))
    if quiz.shuffle_questions:
        rng.shuffle(items)
    for item in items:
        keys = [str(o["key"]) for o in item.version.options or []]
        if quiz.shuffle_options and item.version.kind in (QuestionKind.single, QuestionKind.multiple):
            rng.shuffle(keys)
        item.option_order = keys
    return items


def slot_shortfall(slot: QuizSlot) -> int:
    """How many questions a random slot lacks in the bank today (0 when it can be filled)."""
    if slot.kind != SlotKind.random:
        return 0
    return max(0, slot.count - len(candidates(slot)))


def _points(slot: QuizSlot, version: QuestionVersion) -> int:
    return slot.points if slot.points is not None else (version.default_points or 1)
