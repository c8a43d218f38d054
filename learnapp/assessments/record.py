"""A person's annual assessment record: credit against the requirement, periods, readings, tests,
manual assessments and the overall status, assembled with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from learnapp import clock
from learnapp.accounts.models import User
from learnapp.assessments.models import HALVES, QUARTERS, Assessment, AssessorRole, Period
from learnapp.assessments.queries import assessments_for, is_closed, minimums
from learnapp.assessments.status import Minimums, Status, overall_status, pace_target
from learnapp.db import db
from learnapp.ledger import queries as ledger_queries
from learnapp.ledger import sources
from learnapp.ledger.models import LedgerEntry
from learnapp.ledger.offline_models import Claim
from learnapp.ledger.rules import rules_for_year


@dataclass
class PeriodRow:
    period: Period
    first: date
    last: date
    credit: int = 0  # hundredths earned inside the period
    assessments: list[Assessment] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        return clock.today() > self.last

    @property
    def expected_role(self) -> AssessorRole:
        """Contacts assess each quarter, the branch each half-year."""
        return AssessorRole.contact if self.period.is_quarter else AssessorRole.branch

    @property
    def missing(self) -> bool:
        """An ended period without the assessment the rules expect of it."""
        return self.ended and not any(a.assessor_role == self.expected_role for a in self.assessments)


@dataclass
class QuizResult:
    quiz_id: int
    title: str
    score_bp: int
    passed: bool | None


@dataclass
class Line:
    entry: LedgerEntry
    reversed_by_id: int | None
    claim: Claim | None = None
    source_title: str | None = None  # the material, quiz, activity or claim that earned it


@dataclass
class AnnualRecord:
    user: User
    year: int
    today: date
    requirement: int
    total: int
    online: int
    offline: int
    minimums: Minimums
    status: Status
    pace: int
    closed: bool
    by_category: list = field(default_factory=list)
    quarters: list[PeriodRow] = field(default_factory=list)
    halves: list[PeriodRow] = field(default_factory=list)
    annual: list[Assessment] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    reading: object | None = None
    quizzes: list[QuizResult] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    daily: list[tuple[date, int]] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return max(0, self.requirement - self.total)

    @property
    def percent(self) -> int:
        """Whole percent of the requirement reached (capped at 100 for the progress bar)."""
        return min(100, self.total * 100 // self.requirement) if self.requirement else 100

    @property
    def quizzes_passed(self) -> int:
        return sum(1 for q in self.quizzes if q.passed)

    @property
    def missing_assessments(self) -> list[PeriodRow]:
        return [p for p in self.quarters + self.halves if p.missing]


def _period_rows(periods, year: int, daily: list[tuple[date, int]], assessments: list[Assessment]) -> list[PeriodRow]:
    rows = []
    for period in periods:
        first, last = period.bounds(year)
        rows.append(PeriodRow(period, first, last,
                              credit=sum(v for d, v in daily if first <= d <= last),
                              assessments=[a for a in assessments if a.period == period]))
    return rows


def _reading(user: User, year: int):
    from learnapp.materials.list_queries import reading_status

    return reading_status(user, year)


def _quizzes(user: User, year: int) -> list[QuizResult]:
    from learnapp.quizzes.queries import counted_results

    return [QuizResult(r.quiz_id, r.title, int(r.score_bp), r.passed)
            for r in db.session.execute(counted_results([user.id], year)).all()]


def build(user: User, year: int, *, with_lines: bool = True) -> AnnualRecord:
    """The person's record of the year (the caller has checked the actor may see it)."""
    today = clock.today()
    rules = rules_for_year(year)
    summary = ledger_queries.year_summary(user.id, year)
    requirement = rules.requirement_for(user)
    mins = minimums(rules)
    closed = is_closed(year)
    daily = ledger_queries.daily_totals(user.id, year)
    assessments = assessments_for(user.id, year)
    record = AnnualRecord(
        user=user, year=year, today=today, requirement=requirement,
        total=summary["total"], online=summary["online"], offline=summary["offline"], minimums=mins,
        status=overall_status(summary["total"], summary["online"], summary["offline"], requirement, year, today,
                              minimums=mins, closed=closed),
        pace=pace_target(requirement, year, today), closed=closed, by_category=summary["by_category"],
        quarters=_period_rows(QUARTERS, year, daily, assessments),
        halves=_period_rows(HALVES, year, daily, assessments),
        annual=[a for a in assessments if a.period == Period.year],
        assessments=assessments, daily=daily,
    )
    record.reading = _reading(user, year)
    record.quizzes = _quizzes(user, year)
    if with_lines:
        record.lines = ledger_lines(user.id, year)
    return record


def ledger_lines(user_id: int, year: int) -> list[Line]:
    """Every ledger line of the person's year with the claim (and its evidence) behind it."""
    rows = db.session.execute(ledger_queries.entries_with_status(user_id, year)).all()
    claim_ids = {int(e.source_id) for e, _r in rows if e.source_type == "claim" and (e.source_id or "").isdigit()}
    claims = {}
    if claim_ids:
        claims = {c.id: c for c in db.session.scalars(
            select(Claim).where(Claim.id.in_(claim_ids)).options(selectinload(Claim.evidence))
        )}
    titles = sources.titles((e.source_type, e.source_id) for e, _r in rows)
    lines = []
    for entry, reversed_by_id in rows:
        claim = claims.get(int(entry.source_id)) if entry.source_type == "claim" and (entry.source_id or "").isdigit() else None
        title = titles.get((entry.source_type, entry.source_id or ""), (None, None))[0]
        lines.append(Line(entry, reversed_by_id, claim, title))
    return lines
