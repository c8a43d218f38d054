"""Demo content: one practice quiz and one assessment quiz drawn from the demo bank, and a few
finished attempts so the reports and the item analysis have something to show.

Idempotent: a quiz whose title already exists is left alone (with its attempts).
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from learnapp import clock
from learnapp.accounts.models import Stage, User
from learnapp.bank.models import QuestionCategory, QuestionKind
from learnapp.db import db
from learnapp.quizzes import attempts, draw, results, services
from learnapp.quizzes.models import GradingMethod, Quiz, QuizKind, QuizSlot, QuizStatus, SlotKind

PRACTICE_TITLE = "党章基础知识练习"
ASSESSMENT_TITLE = "2026年入党积极分子和发展对象知识测试"


def _category(name: str) -> QuestionCategory | None:
    return db.session.scalar(select(QuestionCategory).where(QuestionCategory.name == name, QuestionCategory.branch_id.is_(None))
                             .order_by(func.length(QuestionCategory.path)).limit(1))


def _add_draw(actor, quiz: Quiz, category: QuestionCategory | None, wanted: int, points: int) -> None:
    if category is None:
        return
    probe = QuizSlot(kind=SlotKind.random, category_id=category.id, include_subcategories=True, count=wanted)
    available = len(draw.candidates(probe))
    if available:
        services.add_draw_rule(actor, quiz, count=min(wanted, available), category=category, points=points)


def _answer(item, rng: random.Random, skill: float):
    """A plausible response: right with probability `skill`, otherwise a wrong or empty one."""
    version = item.version
    right = rng.random() < skill
    if version.kind == QuestionKind.single:
        correct = version.correct_keys
        wrong = [k for k in item.option_order if k not in correct]
        return (correct[:1] if right or not wrong else [rng.choice(wrong)])
    if version.kind == QuestionKind.multiple:
        correct = version.correct_keys
        return correct if right else correct[:1]
    if version.kind == QuestionKind.truefalse:
        return ["true" if bool(version.answer) == right else "false"]
    if version.kind == QuestionKind.fill_blank:
        return [(accepted[0] if right and accepted else "不清楚") for accepted in version.answer or []]
    return ["坚持以习近平新时代中国特色社会主义思想为指导，增强“四个意识”，在学习和工作中发挥先锋模范作用。"] if right else []


def _take(admin, user: User, quiz: Quiz, rng: random.Random, skill: float) -> None:
    attempt = attempts.start_attempt(user, quiz)
    form = MultiDict()
    for item in attempt.items:
        form.add("items", str(item.id))
        values = _answer(item, rng, skill)
        if item.version.kind == QuestionKind.fill_blank:
            for n, value in enumerate(values):
                form.add(f"q{item.id}_{n}", value)
        else:
            for value in values:
                form.add(f"q{item.id}", value)
    attempts.save_responses(user, attempt, form)
    attempts.submit_attempt(attempt.id)
    # The committee's organiser has graded the essays, so the demo reports are complete.
    for item in attempt.items:
        if item.needs_manual and item.score_hundredths is None:
            share = rng.choice([60, 70, 80, 90])
            results.grade_item_manually(admin, item, item.points * share, "论述基本正确，可结合工作实际进一步展开。")


def load_demo(ctx) -> None:
    """Create the two demo quizzes over the demo bank (skipped when the bank is empty)."""
    admin = ctx.admin
    dangzhang = _category("党章")
    if dangzhang is None:
        return  # no demo bank loaded
    now = clock.now()
    if not db.session.scalar(select(Quiz.id).where(Quiz.title == PRACTICE_TITLE)):
        practice = services.create_quiz(admin, ctx.committee, title=PRACTICE_TITLE, kind=QuizKind.practice,
                                        description="随时练习，提交后立即看到答案和解析。成绩只有你自己能看到。",
                                        time_limit_minutes=None, max_attempts=None)
        _add_draw(admin, practice, dangzhang, 10, 1)
        services.set_status(admin, practice, QuizStatus.published)
    if db.session.scalar(select(Quiz.id).where(Quiz.title == ASSESSMENT_TITLE)):
        return
    quiz = services.create_quiz(
        admin, ctx.committee, title=ASSESSMENT_TITLE, kind=QuizKind.assessment,
        description="本次测试计入年度考核记录。限时30分钟，可作答两次，取最高分；60分及格，及格计0.5学时。",
        opens_at=now - timedelta(days=7), closes_at=now + timedelta(days=30), time_limit_minutes=30, max_attempts=2,
        grading_method=GradingMethod.highest, pass_bp=6000,
    )
    _add_draw(admin, quiz, dangzhang, 5, 2)
    _add_draw(admin, quiz, _category("发展党员工作细则"), 5, 2)
    _add_draw(admin, quiz, _category("纪律处分条例"), 5, 2)
    services.set_audience(admin, quiz, branches=[ctx.committee], stages=[Stage.activist, Stage.development_target],
                          people=[])
    services.set_status(admin, quiz, QuizStatus.published)
    db.session.flush()
    # A few finished attempts, so reports and item analysis have data; one learner per branch is
    # left untouched for the demo to take the quiz live.
    rng = random.Random(2026)
    takers = db.session.scalars(select(User).where(User.stage.in_([Stage.activist, Stage.development_target]))
                                .order_by(User.login_id)).all()
    demo_learners = {login for role, login, _branch in ctx.logins if role == "learner"}
    for index, user in enumerate(u for u in takers if u.login_id not in demo_learners):
        if index >= 12:
            break
        _take(admin, user, quiz, rng, skill=0.35 + 0.05 * index)
