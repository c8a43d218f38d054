"""Building quizzes (committee admins, and branch admins for their subtree): settings, questions,
audience, publishing. Every change is audited; services flush, the caller commits."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from learnapp import audit, clock
from learnapp.accounts.models import Stage, User
from learnapp.bank.access import can_view_category, can_view_question
from learnapp.bank.models import Question, QuestionCategory
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.notices import services as notices
from learnapp.org.models import Branch
from learnapp.quizzes import results
from learnapp.quizzes.audience import audience_users
from learnapp.quizzes.draw import plan, slot_shortfall
from learnapp.quizzes.models import (
    Attempt,
    ChoiceScoring,
    GradingMethod,
    Quiz,
    QuizAudienceBranch,
    QuizAudiencePerson,
    QuizKind,
    QuizParticipant,
    QuizSlot,
    QuizStatus,
    ReviewItem,
    SlotKind,
)
from learnapp.security import can_manage_branch, can_manage_user

SETTINGS = (
    "title", "description", "kind", "opens_at", "closes_at", "time_limit_minutes", "max_attempts", "grading_method",
    "pass_bp", "shuffle_questions", "shuffle_options", "choice_scoring", "review_after_submit", "review_after_close",
    "credit_on_pass", "avoids_assessment_questions",
)
# Settings that change how the attempts already made were drawn or scored.
FROZEN_ONCE_TAKEN = ("kind", "choice_scoring")
ALL_REVIEW = [r.value for r in ReviewItem]


def default_settings(kind: QuizKind) -> dict[str, Any]:
    """Sensible defaults: practice shows everything at once; an assessment shows the score and,
    after it closes, the answers and explanations."""
    if kind == QuizKind.practice:
        return {"kind": kind, "max_attempts": None, "grading_method": GradingMethod.highest, "pass_bp": 6000,
                "review_after_submit": list(ALL_REVIEW), "review_after_close": list(ALL_REVIEW),
                "choice_scoring": ChoiceScoring.partial, "time_limit_minutes": None}
    return {"kind": kind, "max_attempts": 1, "grading_method": GradingMethod.highest, "pass_bp": 6000,
            "review_after_submit": [ReviewItem.score.value], "review_after_close": list(ALL_REVIEW),
            "choice_scoring": ChoiceScoring.all_or_nothing, "time_limit_minutes": 30}


def require_manage(actor, quiz: Quiz) -> None:
    if not can_manage_branch(actor, quiz.branch):
        raise DomainError(_("You may not change this quiz."))


def has_attempts(quiz: Quiz) -> bool:
    return bool(db.session.scalar(select(func.count(Attempt.id)).where(Attempt.quiz_id == quiz.id)))


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: values[k] for k in SETTINGS if k in values}
    if "title" in cleaned:
        cleaned["title"] = (cleaned["title"] or "").strip()
        if not cleaned["title"] or len(cleaned["title"]) > 200:
            raise DomainError(_("Enter a title of at most 200 characters."), "title")
    for key in ("review_after_submit", "review_after_close"):
        if key in cleaned:
            cleaned[key] = [r.value for r in ReviewItem if r.value in set(cleaned[key] or [])]
    if "pass_bp" in cleaned and not 0 <= int(cleaned["pass_bp"]) <= 10000:
        raise DomainError(_("The pass mark is a percentage from 0 to 100."), "pass_percent")
    opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
    if opens and closes and closes <= opens:
        raise DomainError(_("The quiz must close after it opens."), "closes_at")
    return cleaned


def _snapshot(quiz: Quiz) -> dict[str, Any]:
    return {k: getattr(quiz, k) for k in SETTINGS if k != "description"}


def create_quiz(actor, branch: Branch, **values: Any) -> Quiz:
    """A new draft quiz owned by `branch`, for the people of that branch (subtree) by default."""
    if not can_manage_branch(actor, branch):
        raise DomainError(_("You may not create quizzes for this branch."), "branch_id")
    kind = QuizKind(values.get("kind") or QuizKind.assessment)
    settings = {**default_settings(kind), **_clean(values)}
    if "title" not in settings:
        raise DomainError(_("Enter a title of at most 200 characters."), "title")
    quiz = Quiz(branch=branch, status=QuizStatus.draft, created_by_id=getattr(actor, "id", None),
                audience_stages=[], **settings)
    quiz.audience_branches = [QuizAudienceBranch(branch=branch)]
    db.session.add(quiz)
    db.session.flush()
    audit.record(actor, "quiz.create", quiz, branch=branch, summary=quiz.title, after=_snapshot(quiz))
    return quiz


def update_quiz(actor, quiz: Quiz, **values: Any) -> Quiz:
    """Change settings. Scoring rules are frozen once someone has taken the quiz; a new pass mark
    or grading method recounts everyone's result (credit already granted stays)."""
    require_manage(actor, quiz)
    cleaned = _clean(values)
    before = _snapshot(quiz)
    if has_attempts(quiz):
        for key in FROZEN_ONCE_TAKEN:
            if key in cleaned and cleaned[key] != getattr(quiz, key):
                raise DomainError(_("This cannot change once people have taken the quiz."), key)
    for key, value in cleaned.items():
        setattr(quiz, key, value)
    if quiz.opens_at and quiz.closes_at and quiz.closes_at <= quiz.opens_at:
        raise DomainError(_("The quiz must close after it opens."), "closes_at")
    quiz.updated_at = clock.now()
    db.session.flush()
    after = _snapshot(quiz)
    changed = {k: after[k] for k in after if after[k] != before[k]}
    if changed:
        audit.record(actor, "quiz.update", quiz, branch=quiz.branch, summary=quiz.title,
                     before={k: before[k] for k in changed}, after=changed)
    if {"pass_bp", "grading_method"} & set(changed):
        recount(actor, quiz)
    return quiz


def recount(actor, quiz: Quiz) -> int:
    """Recount every participant's result (after a pass-mark or grading-method change)."""
    rows = db.session.scalars(select(QuizParticipant).where(QuizParticipant.quiz_id == quiz.id)).all()
    for participant in rows:
        results.update_result(quiz, participant.user, actor=actor)
    return len(rows)


def set_status(actor, quiz: Quiz, status: QuizStatus) -> None:
    """Publish (checks that the quiz can be taken), take back to draft, or archive."""
    require_manage(actor, quiz)
    status = QuizStatus(status)
    if status == quiz.status:
        return
    if status == QuizStatus.published:
        problems = publish_problems(quiz)
        if problems:
            raise DomainError([(None, p) for p in problems])
    if status == QuizStatus.draft and has_attempts(quiz):
        raise DomainError(_("People have taken this quiz: archive it instead."))
    before = quiz.status
    quiz.status = status
    quiz.updated_at = clock.now()
    audit.record(actor, f"quiz.{status.value}", quiz, branch=quiz.branch, summary=quiz.title,
                 before={"status": before}, after={"status": status})
    db.session.flush()
    if status == QuizStatus.published:
        _tell_the_audience(actor, quiz)


def _tell_the_audience(actor, quiz: Quiz) -> None:
    """A notice to everyone the quiz is for, once per quiz (published again after a draft: no repeat)."""
    people = db.session.scalars(select(User).where(audience_users(quiz), User.active)).all()
    notices.notify_all([p for p in people if p.id != actor.id], "quiz_published",
                       {"quiz_id": quiz.id, "title": quiz.title}, sender=actor, dedupe_key=f"quiz:{quiz.id}:published")


def publish_problems(quiz: Quiz) -> list[str]:
    """Why the quiz cannot be published yet (empty when it can)."""
    problems = []
    if not quiz.slots:
        problems.append(_("Add questions first."))
    elif not plan(quiz, 0):
        problems.append(_("None of the quiz's questions can be given (retired or missing)."))
    for slot in quiz.slots:
        short = slot_shortfall(slot)
        if short:
            problems.append(_("A random draw asks for %(count)d questions but the bank has %(have)d.",
                              count=slot.count, have=slot.count - short))
    if not quiz.audience_branches and not quiz.audience_people:
        problems.append(_("Choose who the quiz is for."))
    if quiz.closes_at and quiz.closes_at <= clock.now():
        problems.append(_("The close time has already passed."))
    return problems


# --- questions --------------------------------------------------------------------------------

def _require_editable_questions(actor, quiz: Quiz) -> None:
    require_manage(actor, quiz)
    if has_attempts(quiz):
        raise DomainError(_("People have taken this quiz: its questions can no longer change. Copy it to make a new one."))


def _next_position(quiz: Quiz) -> int:
    return max((s.position for s in quiz.slots), default=0) + 1


def _check_points(points: int | None) -> None:
    if points is not None and not 0 <= points <= 100:
        raise DomainError(_("Points per question run from 0 to 100."), "points")


def add_fixed_questions(actor, quiz: Quiz, questions: list[Question], points: int | None = None) -> int:
    """Add given questions (skipping ones already in the quiz); returns how many were added."""
    _require_editable_questions(actor, quiz)
    _check_points(points)
    present = {s.question_id for s in quiz.slots if s.kind == SlotKind.fixed}
    added = 0
    for question in questions:
        if not can_view_question(actor, question):
            raise DomainError(_("You may not use question %(id)d.", id=question.id), "question_ids")
        if question.id in present or question.retired or question.current_version_id is None:
            continue
        quiz.slots.append(QuizSlot(kind=SlotKind.fixed, question_id=question.id, points=points,
                                   position=_next_position(quiz)))
        present.add(question.id)
        added += 1
    db.session.flush()
    if added:
        audit.record(actor, "quiz.add_questions", quiz, branch=quiz.branch, summary=quiz.title,
                     after={"questions": sorted(q.id for q in questions), "points": points})
    return added


def add_draw_rule(actor, quiz: Quiz, *, count: int, category: QuestionCategory | None,
                  include_subcategories: bool = True, tag: str | None = None, points: int | None = None) -> QuizSlot:
    """Add "draw `count` questions from a category (subtree), optionally only those with a tag".

    A category is required: it keeps a draw inside a part of the bank the builder may use.
    """
    _require_editable_questions(actor, quiz)
    _check_points(points)
    tag = (tag or "").strip() or None
    if category is None or not can_view_category(actor, category):
        raise DomainError(_("Choose a category."), "category_id")
    if not 1 <= count <= 200:
        raise DomainError(_("Draw between 1 and 200 questions."), "count")
    slot = QuizSlot(kind=SlotKind.random, category=category, include_subcategories=include_subcategories, tag=tag,
                    count=count, points=points, position=_next_position(quiz))
    quiz.slots.append(slot)
    db.session.flush()
    audit.record(actor, "quiz.add_draw", quiz, branch=quiz.branch, summary=quiz.title,
                 after={"category": category.name if category else None, "tag": tag, "count": count, "points": points})
    return slot


def remove_slot(actor, quiz: Quiz, slot: QuizSlot) -> None:
    _require_editable_questions(actor, quiz)
    quiz.slots.remove(slot)
    db.session.flush()
    audit.record(actor, "quiz.remove_slot", quiz, branch=quiz.branch, summary=quiz.title,
                 before={"kind": slot.kind, "question": slot.question_id, "tag": slot.tag, "count": slot.count})


def move_slot(actor, quiz: Quiz, slot: QuizSlot, offset: int) -> None:
    """Move a slot up (-1) or down (+1); positions are renumbered 1..n."""
    _require_editable_questions(actor, quiz)
    ordered = sorted(quiz.slots, key=lambda s: (s.position, s.id))
    index = ordered.index(slot)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, each in enumerate(ordered, start=1):
        each.position = position
    db.session.flush()


# --- audience ---------------------------------------------------------------------------------

def set_audience(actor, quiz: Quiz, *, branches: list[Branch], stages: list[Stage | str], people: list[User]) -> None:
    """Who the quiz is for. Each branch and person must be in the actor's administration."""
    require_manage(actor, quiz)
    for branch in branches:
        if not can_manage_branch(actor, branch):
            raise DomainError(_("You may not choose the branch %(name)s.", name=branch.name), "branches")
    for person in people:
        if not can_manage_user(actor, person):
            raise DomainError(_("You may not choose %(name)s.", name=person.name), "people")
    stage_values = [s.value for s in Stage if s.value in {str(x) for x in stages}]
    before = _audience_snapshot(quiz)
    # Keep the rows that stay (a unique (quiz, branch) row may not be deleted and re-added in one flush).
    wanted_branches = {b.id: b for b in branches}
    quiz.audience_branches = [a for a in quiz.audience_branches if a.branch_id in wanted_branches] + [
        QuizAudienceBranch(branch=b) for bid, b in wanted_branches.items()
        if bid not in {a.branch_id for a in quiz.audience_branches}]
    wanted_people = {p.id: p for p in people}
    quiz.audience_people = [a for a in quiz.audience_people if a.user_id in wanted_people] + [
        QuizAudiencePerson(user=p) for pid, p in wanted_people.items()
        if pid not in {a.user_id for a in quiz.audience_people}]
    quiz.audience_stages = stage_values
    db.session.flush()
    after = _audience_snapshot(quiz)
    if after != before:
        audit.record(actor, "quiz.audience", quiz, branch=quiz.branch, summary=quiz.title, before=before, after=after)


def _audience_snapshot(quiz: Quiz) -> dict[str, Any]:
    return {
        "branches": sorted(a.branch.name for a in quiz.audience_branches),
        "stages": list(quiz.audience_stages or []),
        "people": sorted(p.user.login_id for p in quiz.audience_people),
    }


def copy_quiz(actor, quiz: Quiz) -> Quiz:
    """A new draft with the same settings, questions and audience (to change a quiz once taken)."""
    require_manage(actor, quiz)
    values = {k: getattr(quiz, k) for k in SETTINGS}
    values["title"] = (_("Copy of %(title)s", title=quiz.title))[:200]
    copy = create_quiz(actor, quiz.branch, **values)
    copy.description = quiz.description
    copy.audience_branches = []  # drop the default audience first: the copied one may repeat it
    db.session.flush()
    copy.slots = [QuizSlot(kind=s.kind, question_id=s.question_id, category_id=s.category_id,
                           include_subcategories=s.include_subcategories, tag=s.tag, count=s.count, points=s.points,
                           position=s.position) for s in quiz.slots]
    copy.audience_branches = [QuizAudienceBranch(branch_id=a.branch_id) for a in quiz.audience_branches]
    copy.audience_people = [QuizAudiencePerson(user_id=p.user_id) for p in quiz.audience_people]
    copy.audience_stages = list(quiz.audience_stages or [])
    db.session.flush()
    return copy
