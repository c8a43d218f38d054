"""Data for the home page's next steps: the year's rules, a reading list with required items (one
overdue), optional ones, materials teaching knowledge points, a quiz answered wrongly, an activity
coming up and a quiz open now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path

from flask import current_app

from learnapp import clock
from learnapp.db import db
from learnapp.ledger import activities
from learnapp.ledger import services as ledger_services
from learnapp.ledger.models import Category
from learnapp.ledger.schedule import make_schedule
from learnapp.materials import demo_reading, lists
from learnapp.materials.lists import ListData
from learnapp.quizzes import attempts
from learnapp.quizzes.models import QuizKind
from learnapp.security import SYSTEM
from tests.helpers.materials import make_material
from tests.helpers.quizzes import (
    ALL_REVIEW,
    Bank,
    form_for,
    make_question,
    make_quiz,
    right_answers,
)


def load_shipped_rules(year: int = 2026) -> None:
    """The shipped rules of the year (requirement 50 学时, online and offline minimums of 10)."""
    path = Path(current_app.root_path).parent / "content" / "credit-rules" / f"{year}.yaml"
    ledger_services.save_rules(SYSTEM, path.read_text(encoding="utf-8"), source_name=path.name)


def read_fully(person, material, days_ago: int = 5) -> None:
    """The person has read the material to the end (through the real heartbeat)."""
    start = clock.now() - timedelta(days=days_ago)
    demo_reading.sit(person, demo_reading.Sitting(material, start, demo_reading.seconds_to_complete(material)))


@dataclass
class Scenario:
    overdue: object = None
    due_later: object = None
    undated: object = None
    optional: object = None
    done: object = None
    teaching: object = None
    teaching_read: object = None
    activity: object = None
    open_quiz: object = None
    reading_list: object = None
    bank: object = None


def build(org, learner) -> Scenario:
    """The scenario for `learner`."""
    today = clock.today()
    s = Scenario()
    s.overdue = make_material("overdue", minutes=10, title="逾期必读")
    s.due_later = make_material("later", minutes=10, title="下月必读")
    s.undated = make_material("undated", minutes=10, title="不限期必读")
    s.optional = make_material("optional", minutes=10, title="推荐选读")
    s.done = make_material("done", minutes=10, title="已读完的必读")
    s.teaching_read = make_material("teach-read", minutes=10, title="一读预备期", points=["预备期"])
    s.teaching = make_material("teach", minutes=10, title="甲讲预备期", points=["预备期"])
    s.reading_list = rl = lists.create_list(SYSTEM, "list", ListData("年度必读", today.year), None)
    lists.add_assignment(SYSTEM, rl, None, None)
    lists.set_item(SYSTEM, rl, s.overdue, required=True, due_on=today - timedelta(days=10))
    lists.set_item(SYSTEM, rl, s.due_later, required=True, due_on=today + timedelta(days=20))
    lists.set_item(SYSTEM, rl, s.undated, required=True)
    lists.set_item(SYSTEM, rl, s.optional, required=False)
    lists.set_item(SYSTEM, rl, s.done, required=True, due_on=today + timedelta(days=5))
    db.session.flush()
    read_fully(learner, s.done, 6)
    read_fully(learner, s.teaching_read, 4)
    s.bank = Bank()
    practice = make_quiz(org.committee_admin, org.branch_a, s.bank.auto_questions, title="练习", kind=QuizKind.practice,
                         review_after_submit=ALL_REVIEW, max_attempts=None)
    answers = right_answers(s.bank)
    answers[s.bank.truefalse.id] = False  # 预备期 missed
    _answer(learner, practice, answers)
    s.open_quiz = make_quiz(org.committee_admin, org.branch_a, s.bank.auto_questions, title="六月测试")
    s.activity = activities.create_activity(
        org.committee_admin, branch=org.committee, category=Category.lecture, title="下周专题党课",
        schedule=make_schedule(today + timedelta(days=5), time(9), time(11, 30)), place="礼堂", audience=[org.committee])
    db.session.flush()
    return s


def _answer(learner, quiz, answers: dict) -> None:
    attempt = attempts.start_attempt(learner, quiz)
    attempts.save_responses(learner, attempt, form_for(attempt, answers))
    attempts.submit_attempt(attempt.id)


def grow(org, learner, s: Scenario, n: int) -> None:
    """Much more of everything: required items, knowledge points missed (each taught by a
    material), activities coming up and open quizzes."""
    today = clock.today()
    questions = []
    for i in range(n):
        material = make_material(f"more-{i}", minutes=10, title=f"更多必读{i}", points=[f"要点{i}"])
        lists.set_item(SYSTEM, s.reading_list, material, required=True, due_on=today + timedelta(days=30 + i))
        questions.append(make_question(s.bank.jilv, "truefalse", f"更多判断题{i}", answer=True, knowledge_points=[f"要点{i}"]))
        activities.create_activity(org.committee_admin, branch=org.committee, category=Category.lecture,
                                   title=f"更多党课{i}", schedule=make_schedule(today + timedelta(days=6 + i), time(9), time(11)),
                                   audience=[org.committee])
        make_quiz(org.committee_admin, org.branch_a, s.bank.auto_questions, title=f"更多测试{i}")
    practice = make_quiz(org.committee_admin, org.branch_a, questions, title="更多练习", kind=QuizKind.practice,
                         review_after_submit=ALL_REVIEW, max_attempts=None)
    _answer(learner, practice, {q.id: False for q in questions})
    db.session.flush()
