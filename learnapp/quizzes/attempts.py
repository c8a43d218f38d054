"""Taking a quiz: start an attempt, save answers as the learner goes, submit (once), close overdue.

The server fixes the deadline when the attempt starts; the page's timer only displays it. Saves
and submissions re-check the deadline here, so a slow or tampered browser changes nothing.
Concurrency: starts are serialised on the person's `QuizParticipant` row (plus a partial unique
index: one open attempt per person and quiz); a submission is a conditional UPDATE
`... WHERE state = 'in_progress'`, so of ten simultaneous submissions exactly one grades.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from learnapp import clock
from learnapp.bank.models import QuestionKind
from learnapp.db import db, is_postgres
from learnapp.errors import DomainError
from learnapp.quizzes import audience, draw, results
from learnapp.quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Quiz,
    QuizParticipant,
    QuizStatus,
)

MAX_TEXT = 10_000  # characters kept of one typed answer


def grace() -> timedelta:
    """Slack after the deadline for a submission already on its way (network, slow phone)."""
    seconds = current_app.config.get("QUIZ_GRACE_SECONDS", 30) if has_app_context() else 30
    return timedelta(seconds=int(seconds))


def is_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    """True when an open attempt's deadline (plus grace) has passed."""
    now = now or clock.now()
    return attempt.state == AttemptState.in_progress and attempt.deadline_at is not None and now > attempt.deadline_at + grace()


def availability(user, quiz: Quiz, now: datetime | None = None) -> str | None:
    """Why the person cannot start the quiz now (a translated message), or None when they can."""
    now = now or clock.now()
    if quiz.status != QuizStatus.published or not audience.includes(quiz, user):
        return _("This quiz is not open to you.")
    if quiz.opens_at and now < quiz.opens_at:
        return _("This quiz has not opened yet.")
    if quiz.closes_at and now >= quiz.closes_at:
        return _("This quiz has closed.")
    return None


def _participant_for_update(quiz: Quiz, user) -> QuizParticipant:
    """The (quiz, person) guard row, created if missing and locked for this transaction."""
    stmt = select(QuizParticipant).where(QuizParticipant.quiz_id == quiz.id, QuizParticipant.user_id == user.id)
    if is_postgres():
        stmt = stmt.with_for_update()
    participant = db.session.scalar(stmt)
    if participant is not None:
        return participant
    try:
        with db.session.begin_nested():
            db.session.add(QuizParticipant(quiz_id=quiz.id, user_id=user.id))
    except IntegrityError:
        pass  # another request created it first; read (and lock) theirs
    return db.session.scalars(stmt.execution_options(populate_existing=True)).one()


def open_attempt(quiz: Quiz, user) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.user_id == user.id, Attempt.state == AttemptState.in_progress))


def attempts_left(quiz: Quiz, participant: QuizParticipant | None) -> int | None:
    """Attempts the person may still start (None: unlimited)."""
    if quiz.max_attempts is None:
        return None
    used = participant.attempts_started if participant else 0
    return max(0, quiz.max_attempts - used)


def start_attempt(user, quiz: Quiz) -> Attempt:
    """Start (or resume) the person's attempt: exactly one open attempt per person and quiz."""
    now = clock.now()
    reason = availability(user, quiz, now)
    if reason and open_attempt(quiz, user) is None:
        raise DomainError(reason)
    participant = _participant_for_update(quiz, user)
    current = open_attempt(quiz, user)
    if current is not None:
        if not is_overdue(current, now):
            return current
        submit_attempt(current.id, auto=True)
    if reason:
        raise DomainError(reason)
    if attempts_left(quiz, participant) == 0:
        raise DomainError(_("You have used all %(n)d attempts of this quiz.", n=quiz.max_attempts))
    seed = secrets.randbelow(2**31 - 1)
    planned = draw.plan(quiz, seed)
    if not planned:
        raise DomainError(_("This quiz has no questions yet."))
    deadline = None
    if quiz.time_limit_minutes:
        deadline = now + timedelta(minutes=quiz.time_limit_minutes)
    if quiz.closes_at:
        deadline = min(deadline, quiz.closes_at) if deadline else quiz.closes_at
    participant.attempts_started += 1
    attempt = Attempt(
        quiz_id=quiz.id, user_id=user.id, branch_id=user.branch_id, number=participant.attempts_started,
        state=AttemptState.in_progress, seed=seed, started_at=now, deadline_at=deadline,
        max_score_hundredths=sum(p.points for p in planned) * 100,
    )
    attempt.items = [
        AttemptItem(position=i + 1, slot_id=p.slot_id, question_id=p.question_id, question_version_id=p.version.id,
                    option_order=p.option_order, points=p.points)
        for i, p in enumerate(planned)
    ]
    db.session.add(attempt)
    db.session.flush()
    return attempt


# --- responses --------------------------------------------------------------------------------

def parse_response(item: AttemptItem, form) -> Any:
    """The response to one item from a posted form (a MultiDict); None when left empty.

    Field names: q<id> (single, truefalse, essay), q<id> repeated (multiple), q<id>_<n> (blanks).
    Values outside the item's options are dropped, so a tampered form stores nothing odd.
    """
    version = item.version
    name = f"q{item.id}"
    keys = set(item.option_order)
    if version.kind == QuestionKind.single:
        value = form.get(name)
        return value if value in keys else None
    if version.kind == QuestionKind.multiple:
        chosen = [v for v in form.getlist(name) if v in keys]
        return sorted(set(chosen)) or None
    if version.kind == QuestionKind.truefalse:
        value = form.get(name)
        return {"true": True, "false": False}.get(value)
    if version.kind == QuestionKind.fill_blank:
        blanks = [(form.get(f"{name}_{n}") or "")[:500] for n in range(version.blank_count)]
        return blanks if any(b.strip() for b in blanks) else None
    text = (form.get(name) or "")[:MAX_TEXT]
    return text if text.strip() else None


def save_responses(user, attempt: Attempt, form) -> int:
    """Store the responses of the items listed in the form's `items` field; returns how many changed.

    Refused once the attempt is finished or past its deadline (+ grace): what was saved before
    stays and is what gets graded.
    """
    now = clock.now()
    if attempt.user_id != user.id:
        raise DomainError(_("This is not your attempt."))
    if is_overdue(attempt, now):
        raise DomainError(_("Time is up: answers sent after the deadline are not saved."))
    # Claim the attempt row (a row lock on PostgreSQL) only while it is still open, so a save can
    # never slip in after a concurrent submission graded the attempt.
    claimed = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.state == AttemptState.in_progress)
        .values(last_saved_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise DomainError(_("This attempt has already been submitted."))
    wanted = {int(v) for v in form.getlist("items") if str(v).isdigit()}
    changed = 0
    for item in attempt.items:
        if item.id not in wanted:
            continue
        value = parse_response(item, form)
        if value != item.response:
            item.response = value
            item.saved_at = now
            changed += 1
    db.session.flush()
    return changed


# --- submission -------------------------------------------------------------------------------

def submit_attempt(attempt_id: int, *, actor=None, auto: bool = False) -> bool:
    """Finish the attempt and grade it. True when this call did it; False when it was already done.

    The conditional UPDATE is the whole guard: only one transaction can move the row out of
    'in_progress' (PostgreSQL re-checks the WHERE after the winner commits; SQLite serialises).
    """
    now = clock.now()
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        return False
    submitted_at = now
    if auto and attempt.deadline_at is not None and attempt.deadline_at < now:
        submitted_at = attempt.deadline_at
    won = db.session.execute(
        update(Attempt).where(Attempt.id == attempt_id, Attempt.state == AttemptState.in_progress)
        .values(state=AttemptState.pending_review, submitted_at=submitted_at, auto_submitted=auto)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        db.session.refresh(attempt)
        return False
    db.session.refresh(attempt)
    results.grade_attempt(attempt, actor=actor)
    return True


def close_if_overdue(attempt: Attempt) -> bool:
    """Submit an open attempt whose time ran out, with what was saved. True when it did."""
    if not is_overdue(attempt):
        return False
    return submit_attempt(attempt.id, auto=True)


def close_overdue(limit: int | None = None) -> int:
    """Submit every overdue open attempt (`flask quizzes close-overdue`); returns how many."""
    cutoff = clock.now() - grace()
    stmt = (select(Attempt.id).where(Attempt.state == AttemptState.in_progress, Attempt.deadline_at.is_not(None),
                                     Attempt.deadline_at < cutoff).order_by(Attempt.id))
    if limit:
        stmt = stmt.limit(limit)
    done = 0
    for attempt_id in db.session.scalars(stmt).all():
        done += submit_attempt(attempt_id, auto=True)
    return done


def seconds_left(attempt: Attempt, now: datetime | None = None) -> int | None:
    """Whole seconds until the deadline (never negative); None without a deadline."""
    if attempt.deadline_at is None:
        return None
    now = now or clock.now()
    return max(0, int((attempt.deadline_at - now).total_seconds()))
