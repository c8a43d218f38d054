"""The demo: a practice and an assessment quiz over the shipped bank, with finished attempts."""

from __future__ import annotations

from sqlalchemy import func, select

from learnapp import clock as app_clock
from learnapp import demo
from learnapp.bank import demo as bank_demo
from learnapp.quizzes import demo as quiz_demo
from learnapp.quizzes.models import Attempt, AttemptState, Quiz, QuizKind, QuizStatus


def test_demo_quizzes_load_once(app, clock, db):
    ctx = demo.load_core(app_clock.today())
    bank_demo.load_demo(ctx)
    quiz_demo.load_demo(ctx)
    db.session.commit()
    quizzes = db.session.scalars(select(Quiz).order_by(Quiz.id)).all()
    assert [q.kind for q in quizzes] == [QuizKind.practice, QuizKind.assessment]
    assert all(q.status == QuizStatus.published for q in quizzes)
    assessment = quizzes[1]
    assert sum(s.count for s in assessment.slots) == 15
    finished = db.session.scalar(select(func.count(Attempt.id)).where(Attempt.state != AttemptState.in_progress))
    assert finished >= 10
    quiz_demo.load_demo(ctx)  # a second run adds nothing
    db.session.commit()
    assert db.session.scalar(select(func.count(Quiz.id))) == 2
    assert db.session.scalar(select(func.count(Attempt.id))) == finished
