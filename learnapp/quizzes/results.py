"""Grading a submitted attempt, a person's counted result per quiz, manual grading, pass credit."""

from __future__ import annotations

import logging
from datetime import date
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import audit, clock
from learnapp.accounts.models import User
from learnapp.db import db, is_postgres
from learnapp.errors import DomainError
from learnapp.ledger import services as ledger
from learnapp.ledger.models import Category
from learnapp.ledger.rules import rules_for_year
from learnapp.quizzes import grading
from learnapp.quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    ChoiceScoring,
    Quiz,
    QuizParticipant,
)
from learnapp.security import SYSTEM

log = logging.getLogger(__name__)


def grade_attempt(attempt: Attempt, *, actor=SYSTEM) -> None:
    """Grade every automatically gradable item; finish the attempt unless an essay waits for a person."""
    partial = attempt.quiz.choice_scoring == ChoiceScoring.partial
    for item in attempt.items:
        version = item.version
        if not grading.is_answered(version.kind, item.response):
            # Unanswered (essays too): nothing for a person to read, so it is simply zero.
            _set_item_grade(item, Fraction(0))
            continue
        fraction = grading.grade(version.kind, version.options or [], version.answer, item.response, partial=partial)
        if fraction is None:
            item.needs_manual = True
            item.score_hundredths = None
            item.fraction = None
        else:
            _set_item_grade(item, fraction)
    # One flush writes the items' grades with the attempt's total (finish_if_complete flushes).
    if not finish_if_complete(attempt, actor=actor):
        db.session.flush()


def _set_item_grade(item: AttemptItem, fraction: Fraction) -> None:
    item.fraction = f"{fraction.numerator}/{fraction.denominator}"
    item.score_hundredths = grading.points_hundredths(fraction, item.points)
    item.needs_manual = False


def finish_if_complete(attempt: Attempt, *, actor=SYSTEM) -> bool:
    """Total the attempt once no item waits for a person; update the person's result."""
    if attempt.state == AttemptState.in_progress or any(i.score_hundredths is None for i in attempt.items):
        return False
    score = sum(i.score_hundredths or 0 for i in attempt.items)
    attempt.score_hundredths = score
    attempt.score_bp = grading.percent_bp(score, attempt.max_score_hundredths)
    attempt.passed = attempt.score_bp >= attempt.quiz.pass_bp
    attempt.state = AttemptState.graded
    attempt.graded_at = clock.now()
    db.session.flush()
    update_result(attempt.quiz, attempt.user, actor=actor)
    return True


def update_result(quiz: Quiz, user: User, *, actor=SYSTEM) -> QuizParticipant:
    """Recount the person's result for the quiz by its grading method; credit a first pass."""
    stmt = select(QuizParticipant).where(QuizParticipant.quiz_id == quiz.id, QuizParticipant.user_id == user.id)
    if is_postgres():
        stmt = stmt.with_for_update()
    participant = db.session.scalar(stmt)
    if participant is None:  # attempts made before guard rows existed, or by a data import
        participant = QuizParticipant(quiz_id=quiz.id, user_id=user.id, attempts_started=0)
        db.session.add(participant)
    graded = db.session.execute(
        select(Attempt.score_bp, Attempt.submitted_at).where(
            Attempt.quiz_id == quiz.id, Attempt.user_id == user.id, Attempt.state == AttemptState.graded
        ).order_by(Attempt.number)
    ).all()
    participant.attempts_graded = len(graded)
    participant.counted_bp = grading.counted_bp(quiz.grading_method, [row.score_bp for row in graded])
    participant.passed = None if participant.counted_bp is None else participant.counted_bp >= quiz.pass_bp
    if graded and participant.first_submitted_at is None:
        first = min(row.submitted_at for row in graded)
        participant.first_submitted_at = first
        participant.year = clock.to_local(first).year
    if participant.passed and participant.passed_at is None:
        participant.passed_at = clock.now()
    db.session.flush()
    if participant.passed and quiz.credit_on_pass:
        latest = max(row.submitted_at for row in graded)
        grant_pass_credit(quiz, user, on=clock.to_local(latest).date(), actor=actor)
    return participant


def grant_pass_credit(quiz: Quiz, user: User, *, on: date, actor=SYSTEM) -> bool:
    """Credit the year's test-pass 学时 once per quiz and person (the ledger's dedupe key says once).

    A closed training year refuses the entry; the pass still stands, only the credit is not
    written (the committee can adjust the ledger by hand).
    """
    day = on
    credit = rules_for_year(day.year).test_pass_credit
    if not credit:
        return False
    try:
        with db.session.begin_nested():
            entry = ledger.grant(
                actor, user, category=Category.test_passed, credit_hundredths=credit, occurred_on=day,
                source_type="quiz", source_id=str(quiz.id), reason=quiz.title,
                dedupe_key=f"quiz-pass:{quiz.id}:{user.id}",
            )
    except DomainError as exc:
        log.warning("quiz %s: no pass credit for user %s: %s", quiz.id, user.id, exc)
        return False
    return entry is not None


def grade_item_manually(actor, item: AttemptItem, score_hundredths: int, feedback: str = "") -> None:
    """A person's grade for an essay (or a regrade of any item), audited; finishes the attempt."""
    attempt = item.attempt
    if attempt.state == AttemptState.in_progress:
        raise DomainError(_("The attempt has not been submitted yet."), "score")
    maximum = item.points * 100
    if not 0 <= score_hundredths <= maximum:
        raise DomainError(_("Enter a score between 0 and %(max)s.", max=_points_text(maximum)), "score")
    before = item.score_hundredths
    item.score_hundredths = score_hundredths
    fraction = Fraction(score_hundredths, maximum) if maximum else Fraction(0)
    item.fraction = f"{fraction.numerator}/{fraction.denominator}"
    item.needs_manual = False
    item.feedback = (feedback or "").strip()[:4000]
    item.graded_by_id = actor.id
    item.graded_at = clock.now()
    db.session.flush()
    audit.record(actor, "quiz.grade_item", attempt, branch=attempt.branch,
                 summary=f"{attempt.quiz.title} · {attempt.user.name} · #{item.position}",
                 before={"score_hundredths": before}, after={"score_hundredths": score_hundredths})
    if attempt.state == AttemptState.graded:
        # A regrade of a finished attempt: total it again.
        attempt.state = AttemptState.pending_review
    finish_if_complete(attempt, actor=actor)


def _points_text(hundredths: int) -> str:
    whole, frac = divmod(hundredths, 100)
    return str(whole) if not frac else f"{whole}.{frac:02d}".rstrip("0")
