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
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

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
from learnapp.security import SYSTEM

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


# Built once: starts come in storms, and building these costs more than running them.
_PARTICIPANT_ROW = {"quiz_id": bindparam("quiz_id"), "user_id": bindparam("user_id"), "attempts_started": 0,
                    "attempts_graded": 0}
_CREATE_PARTICIPANT = {
    "postgresql": pg_insert(QuizParticipant.__table__).values(_PARTICIPANT_ROW).on_conflict_do_nothing(
        index_elements=["quiz_id", "user_id"]),
    "sqlite": sqlite_insert(QuizParticipant.__table__).values(_PARTICIPANT_ROW).on_conflict_do_nothing(
        index_elements=["quiz_id", "user_id"]),
}
_PARTICIPANT = (select(QuizParticipant).where(QuizParticipant.quiz_id == bindparam("quiz_id"),
                                              QuizParticipant.user_id == bindparam("user_id"))
                .execution_options(populate_existing=True))
_PARTICIPANT_LOCKED = _PARTICIPANT.with_for_update()
# Core, not the ORM's bulk path: the items are plain rows here, read back as objects later.
_INSERT_ITEMS = insert(AttemptItem.__table__)
_INSERT_ATTEMPT = insert(Attempt.__table__).returning(Attempt.__table__.c.id)
_COUNT_START = (update(QuizParticipant.__table__)
                .where(QuizParticipant.__table__.c.id == bindparam("participant_id")))
_OPEN_ATTEMPT = select(Attempt).where(Attempt.quiz_id == bindparam("quiz_id"), Attempt.user_id == bindparam("user_id"),
                                      Attempt.state == AttemptState.in_progress)


def _participant_for_update(quiz: Quiz, user) -> QuizParticipant:
    """The (quiz, person) guard row, created if missing and locked for this transaction.

    INSERT ... ON CONFLICT DO NOTHING creates it without a savepoint; when another request is
    creating it at the same moment, PostgreSQL waits for that one and then does nothing. The
    SELECT then locks the row (SQLite: the whole database is already locked by BEGIN IMMEDIATE).
    """
    key = {"quiz_id": quiz.id, "user_id": user.id}
    postgres = is_postgres()
    db.session.execute(_CREATE_PARTICIPANT["postgresql" if postgres else "sqlite"], key)
    return db.session.scalars(_PARTICIPANT_LOCKED if postgres else _PARTICIPANT, key).one()


def open_attempt(quiz: Quiz, user) -> Attempt | None:
    return db.session.scalar(_OPEN_ATTEMPT, {"quiz_id": quiz.id, "user_id": user.id})


def attempts_left(quiz: Quiz, participant: QuizParticipant | None) -> int | None:
    """Attempts the person may still start (None: unlimited)."""
    if quiz.max_attempts is None:
        return None
    used = participant.attempts_started if participant else 0
    return max(0, quiz.max_attempts - used)


def start_attempt(user, quiz: Quiz) -> Attempt:
    """Start (or resume) the person's attempt: exactly one open attempt per person and quiz.

    An open attempt whose time ran out is submitted first, in this transaction. The items are
    written by one INSERT executed for all of them; `attempt.items` loads them when first read.
    """
    now = clock.now()
    reason = availability(user, quiz, now)
    if reason and open_attempt(quiz, user) is None:
        raise DomainError(reason)
    participant = _participant_for_update(quiz, user)
    # Read after the lock: a double click waiting on it finds the attempt the first click made.
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
    number = participant.attempts_started + 1
    db.session.execute(_COUNT_START, {"participant_id": participant.id, "attempts_started": number})
    set_committed_value(participant, "attempts_started", number)
    row = dict(
        quiz_id=quiz.id, user_id=user.id, branch_id=user.branch_id, number=number,
        state=AttemptState.in_progress, seed=seed, started_at=now, deadline_at=deadline, last_saved_at=None,
        submitted_at=None, auto_submitted=False, graded_at=None, score_hundredths=None,
        max_score_hundredths=sum(p.points for p in planned) * 100, score_bp=None, passed=None, created_at=now,
    )
    # Written with Core and handed to the session as a loaded row: the unit of work would cost
    # more than the whole rest of the start, and every column's value is known here.
    attempt = Attempt(id=db.session.execute(_INSERT_ATTEMPT, row).scalar_one(), **row)
    make_transient_to_detached(attempt)
    db.session.add(attempt)
    db.session.execute(_INSERT_ITEMS, [
        {"attempt_id": attempt.id, "position": i + 1, "slot_id": p.slot_id, "question_id": p.question_id,
         "question_version_id": p.version_id, "option_order": p.option_order, "points": p.points}
        for i, p in enumerate(planned)
    ])
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


# Built once, like the start's statements. Saves and submissions address the tables directly:
# the columns named in an UPDATE's parameters are the ones it sets (with their types' conversions).
_attempts, _items = Attempt.__table__, AttemptItem.__table__
_CLAIM = update(_attempts).where(_attempts.c.id == bindparam("attempt_id"),
                                 _attempts.c.state == AttemptState.in_progress)
_SAVE_RESPONSES = update(_items).where(_items.c.id == bindparam("item_id"))
_ITEMS_WITH_VERSIONS = (select(AttemptItem).where(AttemptItem.attempt_id == bindparam("attempt_id"))
                        .options(joinedload(AttemptItem.version, innerjoin=True)).order_by(AttemptItem.position)
                        .execution_options(populate_existing=True))


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
    if not _claim(attempt, last_saved_at=now):
        raise DomainError(_("This attempt has already been submitted."))
    wanted = {int(v) for v in form.getlist("items") if str(v).isdigit()}
    changed = []
    for item in _items_under_claim(attempt):
        if item.id not in wanted:
            continue
        value = parse_response(item, form)
        if value != item.response:
            changed.append({"item_id": item.id, "response": value, "saved_at": now})
    if changed:
        # One statement for all of them; the loaded items get the same values as the rows.
        db.session.execute(_SAVE_RESPONSES, changed)
        by_id = {row["item_id"]: row for row in changed}
        for item in attempt.items:
            if item.id in by_id:
                set_committed_value(item, "response", by_id[item.id]["response"])
                set_committed_value(item, "saved_at", now)
    return len(changed)


def _claim(attempt: Attempt, **values) -> bool:
    """UPDATE the attempt's row only while it is open (the row lock that orders saves and the
    submission); the loaded attempt then carries the values written. False when it was finished."""
    claimed = db.session.execute(_CLAIM, {"attempt_id": attempt.id, **values}).rowcount
    if claimed == 1:
        for name, value in values.items():
            set_committed_value(attempt, name, value)
    return claimed == 1


def _items_under_claim(attempt: Attempt) -> list[AttemptItem]:
    """The attempt's items with their versions, read after the claim: on PostgreSQL each statement
    sees what was committed before it, so saves that finished while this request waited for the
    row lock are in, and none can start until this transaction ends."""
    items = db.session.scalars(_ITEMS_WITH_VERSIONS, {"attempt_id": attempt.id}).unique().all()
    set_committed_value(attempt, "items", list(items))
    return attempt.items


# --- submission -------------------------------------------------------------------------------

def submit_attempt(attempt_id: int, *, actor=SYSTEM, auto: bool = False) -> bool:
    """Finish the attempt and grade it. True when this call did it; False when it was already done.

    The conditional UPDATE is the whole guard: only one transaction can move the row out of
    'in_progress' (PostgreSQL re-checks the WHERE after the winner commits; SQLite serialises).
    """
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        return False
    return _submit(attempt, actor=actor, auto=auto)


def save_and_submit(user, attempt: Attempt, form, *, actor=SYSTEM) -> bool:
    """Save what the form carries, then submit (the web's submit button): the items read under the
    save's claim are the ones graded, without reading them twice."""
    save_responses(user, attempt, form)
    return _submit(attempt, actor=actor, auto=False, items_read=True)


def _submit(attempt: Attempt, *, actor, auto: bool, items_read: bool = False) -> bool:
    now = clock.now()
    submitted_at = now
    if auto and attempt.deadline_at is not None and attempt.deadline_at < now:
        submitted_at = attempt.deadline_at
    if not _claim(attempt, state=AttemptState.pending_review, submitted_at=submitted_at, auto_submitted=auto):
        db.session.refresh(attempt)
        return False
    if not items_read:  # read by the save under this transaction's claim already
        _items_under_claim(attempt)
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
