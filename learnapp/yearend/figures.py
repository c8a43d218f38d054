"""Every figure of the year-end summary for one branch's subtree (the committee: the whole tree).

People are today's members of the subtree, as in the other reports. Study hours come from the stored
year totals (assessments.queries.with_status over ledger_year_totals), never from summing entries;
"in training" is the rules' own test (in_training_sql); the development counts are planning.actuals;
the findings are development.compliance. Integers are kept as they are (credit in hundredths, scores in
basis points); shares and averages derive from them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
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

TRAINING_CLASS = "training_class"


def share(part: int | None, whole: int | None) -> float | None:
    """part of whole in percent, one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole and part is not None else None


def average(total: int, n: int) -> int | None:
    return round(total / n) if n else None


@dataclass
class CompositionLine:
    code: str
    label: object
    count: int
    share: float | None  # of those admitted
    target: int | None
    target_share: float | None


@dataclass
class PlanFigures:
    planned: int | None
    counts: dict[str, int]  # actuals.MEASURES -> people
    composition: list[CompositionLine]
    rows: list[actuals.Row]  # the direct sub-branches

    @property
    def developed(self) -> int:
        return self.counts.get("developed", 0)

    @property
    def rate(self) -> float | None:
        return share(self.developed, self.planned)


@dataclass
class StageLine:
    stage: Stage
    people: int = 0
    completed: int = 0
    credit: int = 0  # hundredths
    online: int = 0
    offline: int = 0


@dataclass
class TrainingFigures:
    requirement: int  # the year's default requirement, hundredths (by role or stage it may differ)
    by_stage: list[StageLine]

    def _sum(self, name: str) -> int:
        return sum(getattr(line, name) for line in self.by_stage)

    @property
    def people(self) -> int:
        return self._sum("people")

    @property
    def completed(self) -> int:
        return self._sum("completed")

    @property
    def completed_share(self) -> float | None:
        return share(self.completed, self.people)

    @property
    def credit(self) -> int:
        return self._sum("credit")

    @property
    def online(self) -> int:
        return self._sum("online")

    @property
    def offline(self) -> int:
        return self._sum("offline")

    @property
    def average(self) -> int | None:
        return average(self.credit, self.people)

    @property
    def average_online(self) -> int | None:
        return average(self.online, self.people)

    @property
    def average_offline(self) -> int | None:
        return average(self.offline, self.people)


@dataclass
class ActivityLine:
    category: Category
    held: int
    attendances: int  # people marked present, summed over the activities
    attendees: int  # different people


@dataclass
class TrainingClass:
    completed: int  # people whose training class step is dated in the year
    targets: int  # development targets today
    targets_trained: int  # of whom have the training class in their file
    classes: int  # training-class activities held in the year


@dataclass
class TestFigures:
    in_training: int
    participants: int
    results: int
    passed: int
    score_sum: int  # basis points

    @property
    def participation(self) -> float | None:
        return share(self.participants, self.in_training)

    @property
    def pass_rate(self) -> float | None:
        return share(self.passed, self.results)

    @property
    def average_score(self) -> float | None:
        """Average counted score in percent points, one decimal."""
        return round(self.score_sum / self.results / 100, 1) if self.results else None


@dataclass
class AssessmentFigures:
    by_grade: dict[Grade, int]
    people: int

    @property
    def total(self) -> int:
        return sum(self.by_grade.values())


@dataclass
class YearEnd:
    branch: Branch
    year: int
    today: date
    plan: PlanFigures
    training: TrainingFigures
    activities: list[ActivityLine]
    training_class: TrainingClass
    tests: TestFigures
    assessments: AssessmentFigures
    findings: Counter = field(default_factory=Counter)  # compliance.KINDS -> findings dated in the year

    @property
    def findings_total(self) -> int:
        return sum(self.findings.values())

    @property
    def activities_held(self) -> int:
        return sum(a.held for a in self.activities)

    @property
    def attendances(self) -> int:
        return sum(a.attendances for a in self.activities)


def in_subtree(branch: Branch):
    """Condition on User: the people of the branch's subtree."""
    return User.branch_id.in_(branch_ids_under([branch.path]))


def plan_figures(branch: Branch, year: int) -> PlanFigures:
    total, rows, _found = actuals.rows_for(branch, year)
    lines = [CompositionLine(c.code, c.label, total.composition.get(c.code, 0), total.share(c.code),
                             total.targets.get(c.code), total.target_share(c.code)) for c in categories()]
    return PlanFigures(total.planned, dict(total.counts), lines, rows)


def training_figures(people, year: int, today: date) -> TrainingFigures:
    stmt, _sq = with_status(year, people, today)
    sq = stmt.subquery("year_end_people")
    rows = db.session.execute(
        select(sq.c.stage, func.count(), func.sum(case((sq.c.status == Status.complete.value, 1), else_=0)),
               func.coalesce(func.sum(sq.c.total), 0), func.coalesce(func.sum(sq.c.online), 0),
               func.coalesce(func.sum(sq.c.offline), 0))
        .group_by(sq.c.stage)).all()
    found = {Stage(stage): StageLine(Stage(stage), int(n), int(done or 0), int(credit), int(online), int(offline))
             for stage, n, done, credit, online, offline in rows}
    return TrainingFigures(rules_for_year(year).requirement_default, [found.get(s, StageLine(s)) for s in Stage])


def activity_figures(branch: Branch, year: int) -> list[ActivityLine]:
    """Activities the subtree's branches held in the year (not cancelled), by kind, with attendance."""
    subtree = select(Branch.id).where(Branch.path.startswith(branch.path, autoescape=True))
    held = (Activity.branch_id.in_(subtree), Activity.cancelled.is_(False),
            Activity.start_date >= date(year, 1, 1), Activity.start_date <= date(year, 12, 31))
    counts = dict(db.session.execute(select(Activity.category, func.count()).where(*held)
                                     .group_by(Activity.category)).all())
    present = {row[0]: (int(row[1]), int(row[2])) for row in db.session.execute(
        select(Activity.category, func.count(Attendance.id), func.count(distinct(Attendance.user_id)))
        .join(Attendance, and_(Attendance.activity_id == Activity.id, Attendance.present.is_(True)))
        .where(*held).group_by(Activity.category)).all()}
    return [ActivityLine(c, int(counts.get(c, 0)), *present.get(c, (0, 0))) for c in Category
            if counts.get(c) or present.get(c)]


def training_class_figures(people, year: int, activities: list[ActivityLine]) -> TrainingClass:
    step = select(DevelopmentStep.user_id).where(DevelopmentStep.code == TRAINING_CLASS, DevelopmentStep.status.in_(DONE))
    completed = db.session.scalar(
        select(func.count(distinct(DevelopmentStep.user_id))).join(User, User.id == DevelopmentStep.user_id)
        .where(people, DevelopmentStep.code == TRAINING_CLASS, DevelopmentStep.status.in_(DONE),
               DevelopmentStep.done_on >= date(year, 1, 1), DevelopmentStep.done_on <= date(year, 12, 31))) or 0
    targets, trained = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((User.id.in_(step), 1), else_=0)), 0))
        .where(people, User.active, User.stage == Stage.development_target)).one()
    classes = next((a.held for a in activities if a.category == Category.training_class), 0)
    return TrainingClass(int(completed), int(targets), int(trained), classes)


def test_figures(people, year: int, in_training: int) -> TestFigures:
    """The counted results of the people in training (`in_training` of them: the training figures'
    people, who pass the same test)."""
    ids = select(User.id).where(User.active, in_training_sql(rules_for_year(year)), people)
    results = counted_results(ids, year).order_by(None).subquery("results")
    participants, n, passed, score = db.session.execute(
        select(func.count(distinct(results.c.user_id)), func.count(),
               func.coalesce(func.sum(case((results.c.passed.is_(True), 1), else_=0)), 0),
               func.coalesce(func.sum(results.c.score_bp), 0))).one()
    return TestFigures(int(in_training), int(participants), int(n), int(passed), int(score))


def assessment_figures(people, year: int) -> AssessmentFigures:
    rows = dict(db.session.execute(select(Assessment.grade, func.count()).join(User, User.id == Assessment.user_id)
                                   .where(people, Assessment.year == year).group_by(Assessment.grade)).all())
    assessed = db.session.scalar(select(func.count(distinct(Assessment.user_id))).join(User, User.id == Assessment.user_id)
                                 .where(people, Assessment.year == year)) or 0
    return AssessmentFigures({g: int(rows.get(g, 0) or rows.get(g.value, 0)) for g in Grade}, int(assessed))


def finding_counts(people, year: int, today: date) -> Counter:
    return sum(compliance.counts_by_branch(people, today, year).values(), Counter())


def year_end(branch: Branch, year: int, today: date) -> YearEnd:
    """Every figure of the year for the branch's subtree."""
    people = in_subtree(branch)
    activities = activity_figures(branch, year)
    training = training_figures(people, year, today)
    return YearEnd(branch=branch, year=year, today=today, plan=plan_figures(branch, year),
                   training=training, activities=activities,
                   training_class=training_class_figures(people, year, activities),
                   tests=test_figures(people, year, training.people),
                   assessments=assessment_figures(people, year), findings=finding_counts(people, year, today))
