"""The tests page's figures: each assessment quiz's scores in ten-point bands among the people in
scope (readable by the actor, under the chosen branch), counted once per person."""

from __future__ import annotations

from sqlalchemy import case, func, select

from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.quizzes.models import Quiz
from learnapp.quizzes.queries import counted_results
from learnapp.reports.scope import readable_people


def score_bands(actor, branch, stage, year: int) -> list[dict]:
    """Per quiz: id, title, bins (ten counts, 0–9.9 … 90–100), passed, n (people) and pass_bp."""
    people = select(User.id).where(readable_people(actor, branch), User.active)
    if stage:
        people = people.where(User.stage == stage)
    results = counted_results(people, year).order_by(None).subquery("results")
    band = results.c.score_bp // 1000  # integer division: ten-point bands, one row per quiz and band
    rows = db.session.execute(
        select(results.c.quiz_id, results.c.title, band, func.count(),
               func.sum(case((results.c.passed.is_(True), 1), else_=0)))
        .group_by(results.c.quiz_id, results.c.title, band)
        .order_by(results.c.quiz_id)
    ).all()
    quizzes: dict[int, dict] = {}
    for quiz_id, title, band, count, passed in rows:
        q = quizzes.setdefault(quiz_id, {"id": quiz_id, "title": title, "bins": [0] * 10, "passed": 0})
        q["bins"][min(9, int(band))] += int(count)
        q["passed"] += int(passed or 0)
    pass_marks = dict(db.session.execute(select(Quiz.id, Quiz.pass_bp).where(Quiz.id.in_(list(quizzes) or [0]))).all())
    for q in quizzes.values():
        q["n"] = sum(q["bins"])
        q["pass_bp"] = pass_marks.get(q["id"])
    return list(quizzes.values())
