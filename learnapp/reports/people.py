"""Drill-down lists of people with their year's figures (one page = two queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select

from learnapp.accounts.models import Stage, User
from learnapp.assessments.queries import in_training_sql, with_status
from learnapp.assessments.status import Status
from learnapp.db import db
from learnapp.ledger.rules import rules_for_year
from learnapp.paging import PageInfo

PAGE_SIZE = 50


@dataclass(frozen=True)
class PeoplePage(PageInfo):
    rows: list = ()

    def __init__(self, rows: list, total: int, page: int, per_page: int):
        super().__init__(page, total, per_page)
        object.__setattr__(self, "rows", rows)


SORTS = {"name": "name", "credit": "total", "-credit": "total"}


def people_page(user_filter: ColumnElement[bool], year: int, today: date, *, stage: Stage | None = None,
                status: Status | None = None, page: int = 1, per_page: int = PAGE_SIZE, sort: str = "name") -> PeoplePage:
    """One page of people with total, online, offline, requirement and status."""
    stmt, people = with_status(year, user_filter, today, stage=stage, status=status)
    if status is None:
        # Counting people needs no ledger sums; only a status filter does.
        count = select(func.count(User.id)).where(User.active, in_training_sql(rules_for_year(year)), user_filter)
        if stage is not None:
            count = count.where(User.stage == stage)
    else:
        count = select(func.count()).select_from(stmt.subquery())
    total = db.session.scalar(count) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    if sort == "credit":
        order = [people.c.total.asc(), people.c.name, people.c.user_id]
    elif sort == "-credit":
        order = [people.c.total.desc(), people.c.name, people.c.user_id]
    else:
        order = [people.c.name, people.c.user_id]
    rows = db.session.execute(stmt.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
    return PeoplePage(rows, total, page, per_page)
