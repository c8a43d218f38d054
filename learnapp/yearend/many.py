"""figures.year_end for many branches in one pass (the branches' scores): each figure is read once,
grouped by the person's (or the activity's) branch, and summed up each branch's subtree in Python,
so the number of statements does not grow with the number of branches.

Counts of different people add up over branches because a person belongs to one branch; the
different attendees of activities do not (one person may attend in several branches), so they are
read as (branch, kind, person) and counted as sets.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import and_, case, distinct, func, select

from learnapp.accounts.models import Stage, User
from learnapp.assessments.models import Assessment, Grade
from learnapp.assessments.queries import in_training_sql, with_status
from learnapp.assessments.status import Status
from learnapp.db import db
from learnapp.development import compliance
from learnapp.development.models import DevelopmentStep
from learnapp.development.queries import DONE
from learnapp.ledger.models import Category
from learnapp.ledger.offline_models import Activity, Attendance
from learnapp.ledger.rules import rules_for_year
from learnapp.org.models import Branch
from learnapp.planning import actuals
from learnapp.planning.categories import categories
from learnapp.quizzes.queries import counted_results
from learnapp.security import branch_ids_under
from learnapp.yearend.figures import (
    TRAINING_CLASS,
    ActivityLine,
    AssessmentFigures,
    CompositionLine,
    PlanFigures,
    StageLine,
    TestFigures,
    TrainingClass,
    TrainingFigures,
    YearEnd,
)


class _Tree:
    """Which branch ids lie in each asked branch's subtree."""

    def __init__(self, branches: list[Branch]):
        paths = dict(db.session.execute(select(Branch.id, Branch.path)).all())
        self.under: dict[int, set[int]] = {b.id: set() for b in branches}
        for i, path in paths.items():  # each branch is under the asked branches on its path
            for above in actuals.path_ids(path):
                if above in self.under:
                    self.under[above].add(i)

    def totals(self, branches, by_branch: dict[int, tuple]) -> dict[int, tuple[int, ...]]:
        """branch id -> the columns of `by_branch` (rows of integers per branch id) summed over its subtree."""
        width = len(next(iter(by_branch.values()), ()))
        out = {}
        for b in branches:
            sums = [0] * width
            for i in self.under[b.id]:
                for k, v in enumerate(by_branch.get(i, ())):
                    sums[k] += int(v or 0)
            out[b.id] = tuple(sums)
        return out

    def rows(self, branch: Branch, grouped: dict[int, list[tuple]]):
        """The rows (without their branch id) of the branches in the branch's subtree."""
        for i in self.under[branch.id]:
            yield from grouped.get(i, ())


def _grouped(rows) -> dict[int, list[tuple]]:
    """Rows whose first column is a branch id, by that id (the rest of each row)."""
    out: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(tuple(row[1:]))
    return out


def _plans(branches: list[Branch], year: int) -> dict[int, PlanFigures]:
    out = {}
    cats = categories()
    for branch_id, (total, rows) in actuals.totals_for(branches, year).items():
        lines = [CompositionLine(c.code, c.label, total.composition.get(c.code, 0), total.share(c.code),
                                 total.targets.get(c.code), total.target_share(c.code)) for c in cats]
        out[branch_id] = PlanFigures(total.planned, dict(total.counts), lines, rows)
    return out


def _training(tree: _Tree, branches, scope, year: int, today: date) -> dict[int, TrainingFigures]:
    stmt, _sq = with_status(year, scope, today)
    sq = stmt.subquery("year_end_people")
    rows = db.session.execute(
        select(sq.c.branch_id, sq.c.stage, func.count(), func.sum(case((sq.c.status == Status.complete.value, 1), else_=0)),
               func.coalesce(func.sum(sq.c.total), 0), func.coalesce(func.sum(sq.c.online), 0),
               func.coalesce(func.sum(sq.c.offline), 0))
        .group_by(sq.c.branch_id, sq.c.stage)).all()
    requirement = rules_for_year(year).requirement_default
    grouped = _grouped(rows)
    out = {}
    for branch in branches:
        found: dict[Stage, StageLine] = {}
        for stage, n, done, credit, online, offline in tree.rows(branch, grouped):
            line = found.setdefault(Stage(stage), StageLine(Stage(stage)))
            line.people += int(n)
            line.completed += int(done or 0)
            line.credit += int(credit)
            line.online += int(online)
            line.offline += int(offline)
        out[branch.id] = TrainingFigures(requirement, [found.get(s, StageLine(s)) for s in Stage])
    return out


def _activities(tree: _Tree, branches, year: int) -> dict[int, list[ActivityLine]]:
    held = (Activity.cancelled.is_(False), Activity.start_date >= date(year, 1, 1), Activity.start_date <= date(year, 12, 31))
    counts = db.session.execute(select(Activity.branch_id, Activity.category, func.count()).where(*held)
                                .group_by(Activity.branch_id, Activity.category)).all()
    present = db.session.execute(
        select(Activity.branch_id, Activity.category, Attendance.user_id, func.count(Attendance.id))
        .join(Attendance, and_(Attendance.activity_id == Activity.id, Attendance.present.is_(True)))
        .where(*held).group_by(Activity.branch_id, Activity.category, Attendance.user_id)).all()
    counts, present = _grouped(counts), _grouped(present)
    out = {}
    for branch in branches:
        n_held: Counter = Counter()
        for category, n in tree.rows(branch, counts):
            n_held[category] += int(n)
        marks: Counter = Counter()
        people: dict = defaultdict(set)
        for category, user_id, n in tree.rows(branch, present):
            marks[category] += int(n)
            people[category].add(user_id)
        out[branch.id] = [ActivityLine(c, n_held.get(c, 0), marks.get(c, 0), len(people.get(c, ())))
                          for c in Category if n_held.get(c) or marks.get(c)]
    return out


def _by_branch(stmt) -> dict[int, tuple]:
    return {row[0]: tuple(row[1:]) for row in db.session.execute(stmt).all()}


def _training_class(tree: _Tree, branches, scope, year: int, activities) -> dict[int, TrainingClass]:
    step = select(DevelopmentStep.user_id).where(DevelopmentStep.code == TRAINING_CLASS, DevelopmentStep.status.in_(DONE))
    completed = _by_branch(
        select(User.branch_id, func.count(distinct(DevelopmentStep.user_id))).join(User, User.id == DevelopmentStep.user_id)
        .where(scope, DevelopmentStep.code == TRAINING_CLASS, DevelopmentStep.status.in_(DONE),
               DevelopmentStep.done_on >= date(year, 1, 1), DevelopmentStep.done_on <= date(year, 12, 31))
        .group_by(User.branch_id))
    targets = _by_branch(
        select(User.branch_id, func.count(), func.coalesce(func.sum(case((User.id.in_(step), 1), else_=0)), 0))
        .where(scope, User.active, User.stage == Stage.development_target).group_by(User.branch_id))
    completed, targets = tree.totals(branches, completed), tree.totals(branches, targets)
    out = {}
    for b in branches:
        classes = next((a.held for a in activities[b.id] if a.category == Category.training_class), 0)
        out[b.id] = TrainingClass((completed[b.id] or (0,))[0], *(targets[b.id] or (0, 0)), classes)
    return out


def _tests(tree: _Tree, branches, scope, year: int, training: dict[int, TrainingFigures]) -> dict[int, TestFigures]:
    """The counted results of the people in training, summed per person, then per branch (no sort of
    every result by branch); the people in training are those of the training figures (the same test)."""
    ids = select(User.id).where(User.active, in_training_sql(rules_for_year(year)), scope)
    results = counted_results(ids, year).order_by(None).subquery("results")
    per_person = (select(results.c.user_id, func.count().label("n"),
                         func.sum(case((results.c.passed.is_(True), 1), else_=0)).label("passed"),
                         func.sum(results.c.score_bp).label("score"))
                  .group_by(results.c.user_id).subquery("per_person"))
    figures = tree.totals(branches, _by_branch(
        select(User.branch_id, func.count(), func.sum(per_person.c.n), func.sum(per_person.c.passed),
               func.sum(per_person.c.score))
        .join(User, User.id == per_person.c.user_id).group_by(User.branch_id)))
    return {b.id: TestFigures(training[b.id].people, *(figures[b.id] or (0, 0, 0, 0))) for b in branches}


def _assessments(tree: _Tree, branches, scope, year: int) -> dict[int, AssessmentFigures]:
    """One pass over the year's assessments: per person their grades counted, then per branch the
    people assessed and the grades."""
    grades = list(Grade)
    per_person = (select(Assessment.user_id, *(func.sum(case((Assessment.grade == g, 1), else_=0)).label(f"g{k}")
                                               for k, g in enumerate(grades)))
                  .where(Assessment.year == year).group_by(Assessment.user_id).subquery("graded"))
    sums = tree.totals(branches, _by_branch(
        select(User.branch_id, func.count(), *(func.sum(per_person.c[f"g{k}"]) for k in range(len(grades))))
        .join(User, User.id == per_person.c.user_id).where(scope).group_by(User.branch_id)))
    out = {}
    for b in branches:
        people, *counts = sums[b.id] or (0, *(0 for _g in grades))
        out[b.id] = AssessmentFigures(dict(zip(grades, counts, strict=True)), people)
    return out


def _findings(tree: _Tree, branches, scope, year: int, today: date) -> dict[int, Counter]:
    """The compliance findings dated in the year: the check counts them once by branch."""
    by_branch = compliance.counts_by_branch(scope, today, year)
    return {b.id: sum((by_branch.get(i, Counter()) for i in tree.under[b.id]), Counter()) for b in branches}


def year_end_many(branches: list[Branch], year: int, today: date) -> dict[int, YearEnd]:
    """branch id -> figures.year_end(branch, year, today), in one pass."""
    if not branches:
        return {}
    tree = _Tree(branches)
    scope = User.branch_id.in_(branch_ids_under(actuals.outermost([b.path for b in branches])))
    activities = _activities(tree, branches, year)
    plans = _plans(branches, year)
    training = _training(tree, branches, scope, year, today)
    classes = _training_class(tree, branches, scope, year, activities)
    tests = _tests(tree, branches, scope, year, training)
    assessments = _assessments(tree, branches, scope, year)
    findings = _findings(tree, branches, scope, year, today)
    return {b.id: YearEnd(branch=b, year=year, today=today, plan=plans[b.id], training=training[b.id],
                          activities=activities[b.id], training_class=classes[b.id], tests=tests[b.id],
                          assessments=assessments[b.id], findings=findings[b.id]) for b in branches}
