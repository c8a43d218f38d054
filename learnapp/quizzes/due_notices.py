"""Notices to people who have not yet taken a quiz that closes soon (cron: `flask quizzes remind-due`)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select

from learnapp import clock
from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.notices import services as notices
from learnapp.quizzes.audience import audience_users
from learnapp.quizzes.models import Quiz, QuizParticipant, QuizStatus

# A quiz closing within this many days is "due soon".
DUE_DAYS = 3


def remind_due(days: int = DUE_DAYS) -> int:
    """One notice per person and quiz (never repeated): published quizzes closing in the next
    `days` days, to their audience who have not submitted an attempt. How many were written."""
    now = clock.now()
    quizzes = db.session.scalars(select(Quiz).where(
        Quiz.status == QuizStatus.published, Quiz.closes_at > now, Quiz.closes_at <= now + timedelta(days=days),
    ).order_by(Quiz.id)).all()
    written = 0
    for quiz in quizzes:
        taken = exists().where(QuizParticipant.quiz_id == quiz.id, QuizParticipant.user_id == User.id,
                               QuizParticipant.first_submitted_at.is_not(None))
        people = db.session.scalars(select(User).where(audience_users(quiz), User.active, ~taken)).all()
        closes_on = clock.to_local(quiz.closes_at).date().isoformat()
        written += notices.notify_all(people, "quiz_due", {"quiz_id": quiz.id, "title": quiz.title,
                                                           "closes_on": closes_on},
                                      dedupe_key=f"quiz:{quiz.id}:due")
    db.session.flush()
    return written
