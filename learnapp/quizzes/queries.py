"""Reads of the quizzes domain, scoped by the actor's permissions. Statements, not results, where
other domains build on them (`counted_results` for the assessment reports)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import abort
from sqlalchemy import ColumnElement, Select, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from learnapp import clock, request_memo
from learnapp.accounts.models import User
from learnapp.bank.models import QuestionVersion
from learnapp.db import db
from learnapp.quizzes import audience, review
from learnapp.quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Quiz,
    QuizAudienceBranch,
    QuizKind,
    QuizParticipant,
    QuizStatus,
    ReviewItem,
)
from learnapp.security import (
    admin_paths,
    branch_ids_under,
    can_manage_branch,
    get_or_404,
    read_paths,
)


def counted_results(user_ids, year: int) -> Select:
    """Assessment results that count in the assessment record of `year`.

    Columns: user_id, quiz_id, title, score_bp (the counted score by the quiz's grading method, in
    hundredths of a percent: 8550 = 85.5 %), passed. `user_ids` is a list or a select of ids. A
    result counts in the local year of the person's first submission. Practice quizzes are the
    learner's own business and never appear here.
    """
    return (
        select(QuizParticipant.user_id, QuizParticipant.quiz_id, Quiz.title,
               QuizParticipant.counted_bp.label("score_bp"), QuizParticipant.passed)
        .join(Quiz, Quiz.id == QuizParticipant.quiz_id)
        .where(Quiz.kind == QuizKind.assessment, QuizParticipant.counted_bp.is_not(None),
               QuizParticipant.year == year, QuizParticipant.user_id.in_(user_ids))
        .order_by(QuizParticipant.user_id, Quiz.id)
    )


# --- scopes -----------------------------------------------------------------------------------

def _ancestor_ids(paths: Iterable[str]) -> set[int]:
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


def manageable_quizzes(actor) -> ColumnElement[bool]:
    """Filter on Quiz: quizzes owned by a branch the actor administers."""
    paths = admin_paths(actor)
    return Quiz.branch_id.in_(branch_ids_under(paths)) if paths else false()


def readable_quizzes(actor) -> ColumnElement[bool]:
    """Filter on Quiz: quizzes whose reports the actor may open — owned in their subtree, or taken
    by an audience that reaches into it (rows are then limited to the people they may see)."""
    paths = read_paths(actor)
    if not paths:
        return false()
    under = branch_ids_under(paths)
    reaches = exists().where(QuizAudienceBranch.quiz_id == Quiz.id,
                             or_(QuizAudienceBranch.branch_id.in_(under),
                                 QuizAudienceBranch.branch_id.in_(_ancestor_ids(paths))))
    return or_(Quiz.branch_id.in_(under), reaches)


def get_manageable_quiz_or_404(actor, quiz_id: int) -> Quiz:
    return get_or_404(Quiz, quiz_id, lambda quiz: can_manage_branch(actor, quiz.branch))


def get_readable_quiz_or_404(actor, quiz_id: int) -> Quiz:
    quiz = db.session.scalar(select(Quiz).where(Quiz.id == quiz_id, readable_quizzes(actor)))
    if quiz is None:
        abort(404)
    return quiz


def get_quiz_for_learner_or_404(user, quiz_id: int) -> Quiz:
    """A published (or archived) quiz meant for this person."""
    return get_or_404(Quiz, quiz_id, lambda quiz: quiz.status != QuizStatus.draft and audience.includes(quiz, user))


def get_own_attempt_or_404(user, attempt_id: int, *, items: bool = True) -> Attempt:
    """The person's attempt with its items and their question versions (every page of an attempt
    shows or grades them all: three statements, whatever the number of questions). `items=False`
    for saving and submitting, which read the items once they hold the attempt's row."""
    options = [selectinload(Attempt.items).selectinload(AttemptItem.version)] if items else []
    attempt = db.session.get(Attempt, attempt_id, options=options)
    if attempt is None or attempt.user_id != user.id:
        abort(404)
    return attempt


# --- the learner ------------------------------------------------------------------------------

def my_quizzes(user) -> list[dict]:
    """The person's quizzes (published or archived), with their result and what they can do."""
    quizzes = db.session.scalars(
        select(Quiz).where(Quiz.status != QuizStatus.draft, audience.quizzes_for_user(user))
        .order_by(Quiz.closes_at.is_(None), Quiz.closes_at, Quiz.id.desc())
    ).all()
    participants = {p.quiz_id: p for p in db.session.scalars(
        select(QuizParticipant).where(QuizParticipant.user_id == user.id, QuizParticipant.quiz_id.in_([q.id for q in quizzes]))
    )}
    open_attempts = {a.quiz_id: a for a in db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.state == AttemptState.in_progress))}
    now = clock.now()
    rows = []
    for quiz in quizzes:
        if quiz.status == QuizStatus.archived and quiz.id not in participants:
            continue
        rows.append({"quiz": quiz, "participant": participants.get(quiz.id), "open_attempt": open_attempts.get(quiz.id),
                     "state": quiz_state(quiz, now), "show_score": review.score_visible(quiz, now)})
    return rows


def my_quizzes_now(user) -> list[dict]:
    """`my_quizzes(user)`, read once per request: the home page's panels (tests and next steps)
    share it."""
    return request_memo.remember("my_quizzes", user.id, lambda: my_quizzes(user))


request_memo.depends_on("my_quizzes", Quiz, QuizParticipant, Attempt)


def missed_points(user, *, limit: int = 500) -> list[tuple[str, int]]:
    """The knowledge points (知识点) of the questions the person last answered wrongly, as
    (point, how many such questions), most missed first: only answers whose correctness the
    quiz's review policy shows them now (as the wrong-answer notebook). One statement over their
    latest `limit` graded answers."""
    rows = db.session.execute(
        select(AttemptItem.question_id, AttemptItem.fraction, QuestionVersion.knowledge_points, Quiz)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(Attempt.user_id == user.id, Attempt.state != AttemptState.in_progress,
               AttemptItem.score_hundredths.is_not(None))
        .order_by(Attempt.submitted_at.desc(), AttemptItem.id).limit(limit)
    ).all()
    now = clock.now()
    latest: dict[int, tuple[bool, list[str]]] = {}
    for question_id, fraction, points, quiz in rows:
        if question_id in latest or not review.correctness_shown(quiz, now):
            continue
        latest[question_id] = (fraction == "1/1", list(points or []))
    counts: dict[str, int] = {}
    for right, points in latest.values():
        if not right:
            for point in dict.fromkeys(points):
                counts[point] = counts.get(point, 0) + 1
    return sorted(counts.items(), key=lambda pair: -pair[1])


def quiz_state(quiz: Quiz, now: datetime | None = None) -> str:
    """'upcoming', 'open' or 'closed' for the learner's list."""
    now = now or clock.now()
    if quiz.status == QuizStatus.archived or (quiz.closes_at and now >= quiz.closes_at):
        return "closed"
    if quiz.opens_at and now < quiz.opens_at:
        return "upcoming"
    return "open"


def my_attempts(user, quiz: Quiz) -> list[Attempt]:
    return list(db.session.scalars(select(Attempt).where(Attempt.user_id == user.id, Attempt.quiz_id == quiz.id)
                                   .order_by(Attempt.number)))


def participant(user, quiz: Quiz) -> QuizParticipant | None:
    return db.session.scalar(select(QuizParticipant).where(QuizParticipant.user_id == user.id,
                                                           QuizParticipant.quiz_id == quiz.id))


def mistakes(user, *, limit: int = 200) -> list[dict]:
    """The wrong-answer notebook (错题本): questions whose latest graded answer was not fully right,
    from attempts whose review policy already shows which answers were right."""
    rows = db.session.execute(
        select(AttemptItem, Attempt)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.user_id == user.id, Attempt.state != AttemptState.in_progress,
               AttemptItem.score_hundredths.is_not(None))
        .order_by(Attempt.submitted_at.desc(), AttemptItem.id)
    ).all()
    now = clock.now()
    latest: dict[int, dict] = {}
    misses: dict[int, int] = {}
    for item, attempt in rows:
        show = review.allowed(attempt, now)
        if ReviewItem.correctness not in show:
            continue
        right = item.fraction is not None and item.fraction == "1/1"
        if not right:
            misses[item.question_id] = misses.get(item.question_id, 0) + 1
        if item.question_id not in latest:
            latest[item.question_id] = {"item": item, "attempt": attempt, "right": right, "show": show}
    entries = [dict(e, misses=misses.get(qid, 0)) for qid, e in latest.items() if not e["right"]]
    return entries[:limit]


# --- administration ---------------------------------------------------------------------------

def grading_queue(actor) -> Select:
    """Essay answers waiting for a person, in quizzes the actor manages, oldest first."""
    return (
        select(AttemptItem, Attempt, Quiz, User)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(User, User.id == Attempt.user_id)
        .where(AttemptItem.needs_manual.is_(True), AttemptItem.score_hundredths.is_(None),
               Attempt.state == AttemptState.pending_review, manageable_quizzes(actor))
        .order_by(Attempt.submitted_at, AttemptItem.position)
    )


def quizzes_to_manage(actor) -> list[Quiz]:
    """The quizzes the actor manages, by status, the newest first."""
    return list(db.session.scalars(select(Quiz).where(manageable_quizzes(actor)).order_by(Quiz.status, Quiz.id.desc())))


def quizzes_to_read(actor) -> list[Quiz]:
    """The quizzes whose reports the actor reads, the newest first."""
    return list(db.session.scalars(select(Quiz).where(readable_quizzes(actor)).order_by(Quiz.id.desc())))


def is_readable_quiz(actor, quiz_id: int) -> bool:
    return db.session.scalar(select(Quiz.id).where(Quiz.id == quiz_id, readable_quizzes(actor))) is not None


def attempts_at(quiz: Quiz, person: User) -> list[Attempt]:
    """A person's attempts at a quiz, in order (the caller has checked it may see both)."""
    return list(db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.user_id == person.id)
                                   .order_by(Attempt.number)))


def grading_queue_rows(actor, limit: int = 200) -> list:
    """The first rows of `grading_queue(actor)`."""
    return db.session.execute(grading_queue(actor).limit(limit)).all()


def grading_queue_count(actor) -> int:
    stmt = grading_queue(actor).with_only_columns(func.count(AttemptItem.id)).order_by(None)
    return db.session.scalar(stmt) or 0


def get_gradable_item_or_404(actor, item_id: int) -> AttemptItem:
    return get_or_404(AttemptItem, item_id, lambda item: can_manage_branch(actor, item.attempt.quiz.branch))
