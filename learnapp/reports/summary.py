"""The branch secretary's year summary for the year-end review (述职评议), against the year before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from learnapp import clock
from learnapp.accounts.models import User
from learnapp.assessments.models import Assessment
from learnapp.db import db
from learnapp.ledger.offline_models import Activity, Claim, ClaimStatus
from learnapp.org.models import Branch
from learnapp.reports.rollup import Agg, Filters, branch_sums
from learnapp.reports.scope import everyone


@dataclass
class YearFigures:
    year: int
    agg: Agg
    claims_approved: int
    claims_rejected: int
    activities: int
    assessments: int

    @property
    def claims_handled(self) -> int:
        return self.claims_approved + self.claims_rejected


def _figures(branch: Branch, year: int, today: date) -> YearFigures:
    people = everyone(branch)
    agg = Agg()
    for part in branch_sums(people, Filters(year=year, today=today)).values():
        agg.add(part)
    start, end = clock.local_midnight_utc(date(year, 1, 1)), clock.local_midnight_utc(date(year + 1, 1, 1))
    decided = dict(db.session.execute(
        select(Claim.status, func.count(Claim.id)).join(User, User.id == Claim.user_id)
        .where(people, Claim.decided_at >= start, Claim.decided_at < end,
               Claim.status.in_([ClaimStatus.approved, ClaimStatus.rejected]))
        .group_by(Claim.status)
    ).all())
    subtree = select(Branch.id).where(Branch.path.startswith(branch.path, autoescape=True))
    activities = db.session.scalar(
        select(func.count(Activity.id)).where(Activity.branch_id.in_(subtree), Activity.cancelled.is_(False),
                                              Activity.start_date >= date(year, 1, 1), Activity.start_date <= date(year, 12, 31))
    ) or 0
    assessments = db.session.scalar(
        select(func.count(Assessment.id)).join(User, User.id == Assessment.user_id).where(people, Assessment.year == year)
    ) or 0
    return YearFigures(year, agg, int(decided.get(ClaimStatus.approved, 0) or decided.get("approved", 0)),
                       int(decided.get(ClaimStatus.rejected, 0) or decided.get("rejected", 0)), int(activities),
                       int(assessments))


def year_summary(branch: Branch, year: int) -> tuple[YearFigures, YearFigures]:
    """(this year, the year before) for the branch's whole subtree. People are today's members of the
    subtree, so a move between branches shows in both years under the new branch."""
    today = clock.today()
    return _figures(branch, year, today), _figures(branch, year - 1, today)
