"""Dashboard roll-ups: per-branch sums in SQL (a few rows per branch), rolled up the tree in Python.

Queries per call are fixed whatever the size of the committee: the branches, the per-branch person
sums, pending claims and test scores (plus the year's rules and state). The person sums read the
stored yearly totals (ledger_year_totals, one row per person) rather than the year's entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, case, func, select

from learnapp.accounts.models import Stage, User
from learnapp.assessments.queries import with_status
from learnapp.assessments.status import Status
from learnapp.db import db
from learnapp.ledger.offline_models import Claim, ClaimStatus
from learnapp.org.models import Branch
from learnapp.org.queries import branches_where
from learnapp.quizzes.queries import counted_results
from learnapp.reports.scope import readable_people
from learnapp.security import visible_branches


@dataclass
class Agg:
    """Sums over a set of people; percentages and averages derive from them (integers only)."""

    people: int = 0
    met: int = 0
    behind: int = 0
    not_met: int = 0
    credit: int = 0  # hundredths
    pending: int = 0
    score_sum: int = 0  # basis points
    score_n: int = 0

    def add(self, other: Agg) -> None:
        for name in ("people", "met", "behind", "not_met", "credit", "pending", "score_sum", "score_n"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def pct_met(self) -> int | None:
        return round(self.met * 100 / self.people) if self.people else None

    @property
    def pct_behind(self) -> int | None:
        return round(self.behind * 100 / self.people) if self.people else None

    @property
    def avg_credit(self) -> int | None:
        """Average credit in hundredths (rounded to the hundredth)."""
        return round(self.credit / self.people) if self.people else None

    @property
    def avg_score_bp(self) -> int | None:
        return round(self.score_sum / self.score_n) if self.score_n else None


@dataclass
class Node:
    branch: Branch
    own: Agg = field(default_factory=Agg)
    total: Agg = field(default_factory=Agg)
    children: list[Node] = field(default_factory=list)
    level: int = 0  # depth below the top of the table


@dataclass
class Filters:
    year: int
    today: date
    stage: Stage | None = None
    status: Status | None = None


def branch_sums(user_filter: ColumnElement[bool], f: Filters) -> dict[int, Agg]:
    """Per-branch sums for the people matching `user_filter` and the filters (three aggregate queries)."""
    stmt, people = with_status(f.year, user_filter, f.today, stage=f.stage, status=f.status)
    sq = stmt.subquery("people_status")
    rows = db.session.execute(
        select(
            sq.c.branch_id, func.count(), func.sum(case((sq.c.status == Status.complete.value, 1), else_=0)),
            func.sum(case((sq.c.status == Status.behind.value, 1), else_=0)),
            func.sum(case((sq.c.status == Status.not_met.value, 1), else_=0)),
            func.coalesce(func.sum(sq.c.total), 0),
        ).group_by(sq.c.branch_id)
    ).all()
    sums: dict[int, Agg] = {}
    for branch_id, people_n, met, behind, not_met, credit in rows:
        sums[branch_id] = Agg(people=people_n, met=int(met or 0), behind=int(behind or 0),
                              not_met=int(not_met or 0), credit=int(credit or 0))
    # The same people for claims and scores. Only a status filter needs the per-person totals again;
    # without one, the plain condition on users is far cheaper than re-aggregating the ledger.
    if f.status is not None:
        ids = select(sq.c.user_id)
    else:
        ids = select(User.id).where(User.active, user_filter)
        if f.stage is not None:
            ids = ids.where(User.stage == f.stage)
    first, last = date(f.year, 1, 1), date(f.year, 12, 31)
    for branch_id, n in db.session.execute(
        select(User.branch_id, func.count(Claim.id)).join(User, User.id == Claim.user_id)
        .where(Claim.status == ClaimStatus.pending, Claim.start_date >= first, Claim.start_date <= last,
               User.id.in_(ids))
        .group_by(User.branch_id)
    ).all():
        sums.setdefault(branch_id, Agg()).pending = int(n)
    results = counted_results(ids, f.year).order_by(None).subquery("results")
    for branch_id, total_bp, n in db.session.execute(
        select(User.branch_id, func.sum(results.c.score_bp), func.count())
        .join(User, User.id == results.c.user_id).group_by(User.branch_id)
    ).all():
        agg = sums.setdefault(branch_id, Agg())
        agg.score_sum, agg.score_n = int(total_bp or 0), int(n)
    return sums


def build_tree(branches: Iterable[Branch], sums: dict[int, Agg]) -> list[Node]:
    """Nodes for the branches (in tree order) with own and subtree sums."""
    branches = list(branches)
    nodes = {b.id: Node(b, own=sums.get(b.id, Agg())) for b in branches}
    roots: list[Node] = []
    for b in branches:
        node = nodes[b.id]
        if b.parent_id in nodes:
            nodes[b.parent_id].children.append(node)
        else:
            roots.append(node)

    def roll(node: Node, level: int) -> None:
        node.level = level
        node.total = Agg()
        node.total.add(node.own)
        for child in node.children:
            roll(child, level + 1)
            node.total.add(child.total)

    for root in roots:
        roll(root, 0)
    return roots


def dashboard(actor, f: Filters, *, branch: Branch | None = None) -> list[Node]:
    """The actor's branch tree (or the subtree of `branch`) with roll-ups."""
    condition = visible_branches(actor)
    if branch is not None:
        condition = condition & Branch.path.startswith(branch.path, autoescape=True)
    branches = branches_where(condition)
    return build_tree(branches, branch_sums(readable_people(actor, branch), f))


def totals(nodes: list[Node]) -> Agg:
    """The sum over the top nodes (the whole table)."""
    agg = Agg()
    for node in nodes:
        agg.add(node.total)
    return agg
