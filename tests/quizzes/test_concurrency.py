"""Concurrency: ten simultaneous submissions grade once; simultaneous starts open one attempt each.

Each thread has its own app context (so its own session and connection), as separate requests
or worker processes would. Runs on SQLite and, with LEARNAPP_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from learnapp.accounts.models import Stage
from learnapp.ledger.models import Category, LedgerEntry
from learnapp.quizzes import attempts
from learnapp.quizzes.models import Attempt, AttemptState, Quiz, QuizParticipant
from tests.helpers.factories import make_user
from tests.helpers.quizzes import Bank, form_for, make_quiz, right_answers


def _run_together(app, count: int, work) -> list:
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def worker(index: int) -> None:
        from learnapp.db import db

        with app.app_context():
            try:
                barrier.wait(timeout=30)
                outcomes[index] = work(index)
                db.session.commit()
            except Exception as exc:  # collected and asserted on below
                db.session.rollback()
                outcomes[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_ten_concurrent_submissions_grade_the_attempt_once(app, org, db, clock):
    bank = Bank()
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions)
    attempt = attempts.start_attempt(org.learner_a, quiz)
    attempts.save_responses(org.learner_a, attempt, form_for(attempt, right_answers(bank)))
    attempt_id, learner_id, quiz_id = attempt.id, org.learner_a.id, quiz.id
    db.session.commit()
    # Outside a request every SQLite transaction takes the write lock: leave none open here.
    db.session.close()

    outcomes = _run_together(app, 10, lambda _i: attempts.submit_attempt(attempt_id))

    assert outcomes.count(True) == 1, outcomes
    assert outcomes.count(False) == 9, outcomes
    db.session.expire_all()
    done = db.session.get(Attempt, attempt_id)
    assert done.state == AttemptState.graded and done.score_bp == 10000
    credits = db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.user_id == learner_id, LedgerEntry.category == Category.test_passed))
    assert credits == 1
    participant = db.session.scalar(select(QuizParticipant).where(QuizParticipant.quiz_id == quiz_id))
    assert participant.attempts_graded == 1


def test_simultaneous_starts_open_exactly_one_attempt_per_person(app, org, db, clock):
    bank = Bank()
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, max_attempts=3)
    people = [make_user(org.branch_a, Stage.activist) for _ in range(5)]
    quiz_id, user_ids = quiz.id, [p.id for p in people]
    db.session.commit()
    db.session.close()

    def start(index: int) -> int:
        from learnapp.accounts.models import User
        from learnapp.db import db as session_db

        user = session_db.session.get(User, user_ids[index % len(user_ids)])
        return attempts.start_attempt(user, session_db.session.get(Quiz, quiz_id)).id

    outcomes = _run_together(app, 10, start)  # each person presses "start" twice at once

    assert all(isinstance(o, int) for o in outcomes), outcomes
    rows = db.session.execute(select(Attempt.user_id, func.count(Attempt.id)).where(Attempt.quiz_id == quiz_id)
                              .group_by(Attempt.user_id)).all()
    assert sorted(rows) == sorted((uid, 1) for uid in user_ids)
    for uid in user_ids:
        mine = {o for i, o in enumerate(outcomes) if user_ids[i % len(user_ids)] == uid}
        assert len(mine) == 1  # both presses landed in the same attempt
    started = db.session.scalars(select(QuizParticipant.attempts_started).where(QuizParticipant.quiz_id == quiz_id)).all()
    assert started == [1] * len(user_ids)


@pytest.mark.parametrize("n", [3])
def test_the_database_refuses_a_second_open_attempt(org, db, n):
    from sqlalchemy.exc import IntegrityError

    bank = Bank()
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions)
    first = attempts.start_attempt(org.learner_a, quiz)
    db.session.commit()
    duplicate = Attempt(quiz_id=quiz.id, user_id=org.learner_a.id, branch_id=org.branch_a.id, number=n,
                        state=AttemptState.in_progress, seed=1, started_at=first.started_at)
    db.session.add(duplicate)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
