"""A person's progress in a training year: against the requirement, pace, projection, chart points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

from markupsafe import Markup
from sqlalchemy import bindparam, func, null, select, union_all

from learnapp import clock, request_memo
from learnapp.db import db
from learnapp.i18n import per_catalog
from learnapp.ledger import queries, sources
from learnapp.ledger.models import (
    ONLINE_CATEGORIES,
    SOURCE_LABELS,
    Category,
    LedgerEntry,
    LedgerYearTotal,
)
from learnapp.ledger.rules import YearRules, rules_for_year
from learnapp.security import roles_of

CHART_W, CHART_H = 600, 200


@dataclass
class Progress:
    user: object
    year: int
    rules: YearRules
    requirement: int
    total: int
    online: int
    offline: int
    by_category: list[tuple[Category, int]]
    today: date
    expected: int | None = None          # pace: requirement × elapsed fraction of the year
    completed_on: date | None = None     # the day the total reached the requirement
    projected_on: date | None = None     # at the current pace (None: no credit yet)
    chart: dict = field(default_factory=dict)
    lines: int = 0                       # entries (ledger lines) of the year
    years: list[tuple[int, int]] = field(default_factory=list)  # (year, total) with entries, newest first

    @property
    def minimums_met(self) -> bool:
        """The year's optional online and offline minimums (none set: met)."""
        return self.online >= (self.rules.min_online or 0) and self.offline >= (self.rules.min_offline or 0)

    @property
    def done(self) -> bool:
        return self.total >= self.requirement and self.minimums_met

    @property
    def remaining(self) -> int:
        return max(0, self.requirement - self.total)

    @property
    def is_current(self) -> bool:
        return self.year == self.today.year

    @property
    def status(self) -> str:
        """done | on_track | behind | incomplete (a past year short of the requirement)."""
        if self.done:
            return "done"
        if not self.is_current:
            return "incomplete" if self.year < self.today.year else "on_track"
        return "on_track" if self.expected is not None and self.total >= self.expected else "behind"

    @property
    def finishes_in_year(self) -> bool:
        return self.projected_on is not None and self.projected_on.year == self.year

    @property
    def percent(self) -> int:
        return min(100, self.total * 100 // self.requirement) if self.requirement else 100


def this_year(user) -> Progress:
    """This year's progress without the chart, read once per request: the home page's panels
    (the ledger's and the next steps) share it."""
    return request_memo.remember("year_progress", user.id, lambda: year_progress(user, with_chart=False))


request_memo.depends_on("year_progress", LedgerEntry)


def year_progress(user, year: int | None = None, *, with_chart: bool = True) -> Progress:
    today = clock.today()
    year = year or today.year
    rules = rules_for_year(year)
    # One statement for the figures and the days (the day the requirement was met needs them even
    # without a chart, and most people reach it).
    summary, daily, years = _figures_by_day(user.id, year)
    p = Progress(user, year, rules, rules.requirement_for(user, roles_of(user)), summary["total"], summary["online"],
                 summary["offline"], summary["by_category"], today, lines=summary["lines"], years=years)
    start, end = date(year, 1, 1), date(year, 12, 31)
    days_in_year = (end - start).days + 1
    if p.is_current:
        elapsed = (today - start).days + 1
        p.expected = p.requirement * elapsed // days_in_year
        if not p.done and p.total > 0:
            days_needed = -(-(p.requirement - p.total) * elapsed // p.total)
            p.projected_on = today + timedelta(days=days_needed)
    running = online = 0
    points = []
    min_online, min_offline = rules.min_online or 0, rules.min_offline or 0
    for day, credit, online_credit in daily:
        running += credit
        online += online_credit
        if (p.completed_on is None and p.done and running >= p.requirement and online >= min_online
                and running - online >= min_offline):
            p.completed_on = day
        points.append((day, running))
    if with_chart:
        p.chart = _chart(points, p, start, days_in_year)
    return p


@cache
def _by_day_and_category():
    """Credit and lines of each day and category of a person's year, in date order, then (rows
    without a day) each year the person has entries in, with its total: what the page's figures,
    chart and list of years need, in one statement (on PostgreSQL each statement is a round trip).
    The first part reads only the (person, year, day, category, credit) index, the second the
    primary key of the stored year totals. Built once: building it costs more than running it."""
    e, totals = LedgerEntry, LedgerYearTotal.__table__.c
    days = (select(e.occurred_on.label("day"), e.category, func.sum(e.credit_hundredths), func.count(),
                   null().label("of_year"))
            .where(e.user_id == bindparam("user_id"), e.year == bindparam("year"))
            .group_by(e.occurred_on, e.category))
    years = select(null(), null(), totals.total_hundredths, null(), totals.year).where(totals.user_id == bindparam("user_id"))
    return union_all(days, years).order_by("day")


def _figures_by_day(user_id: int, year: int) -> tuple[dict, list[tuple[date, int, int]], list[tuple[int, int]]]:
    """The year's figures as `queries.year_summary` gives them, (day, credit, online credit) for
    each day with entries, and (year, total) of every year with entries, newest first (as
    `queries.years_of`), from one statement."""
    by_category: dict[Category, int] = {}
    daily: list[tuple[date, int, int]] = []
    years: list[tuple[int, int]] = []
    lines = 0
    last_day = None
    for day, category, credit, count, of_year in _plain_rows(_by_day_and_category(), {"user_id": user_id, "year": year}):
        credit = int(credit or 0)
        if day is None:
            years.append((int(of_year), credit))
            continue
        lines += count
        by_category[category] = by_category.get(category, 0) + credit
        online = credit if category in ONLINE_CATEGORIES else 0
        if day == last_day:
            _day, day_credit, day_online = daily[-1]
            daily[-1] = (day, day_credit + credit, day_online + online)
        else:
            daily.append((day, credit, online))
            last_day = day
    categories = [(c, by_category[c]) for c in Category if c in by_category]
    online_total = sum(v for c, v in categories if c in ONLINE_CATEGORIES)
    total = sum(by_category.values())
    years.sort(reverse=True)
    return ({"total": total, "online": online_total, "offline": total - online_total, "by_category": categories,
             "lines": lines}, daily, years)


def _chart(points: list[tuple[date, int]], p: Progress, start: date, days_in_year: int) -> dict:
    """Coordinates for a server-drawn SVG: cumulative credit as steps, the pace line, the target."""
    top = max([p.requirement, p.total] + [v for _d, v in points]) or 100
    top = top * 11 // 10

    def x(day: date) -> int:
        return _chart_x(day, start, days_in_year)

    def y(value: int) -> int:
        return CHART_H - max(0, value) * CHART_H // top

    last_day = p.today if p.is_current else date(p.year, 12, 31)
    # Each day with credit is a step: across at the previous height, then up (a few hundred
    # points for the busiest readers, so the string is built in one pass).
    parts = [f"0,{CHART_H}"]
    previous_y = CHART_H
    for day, value in points:
        day_x = x(day)
        value_y = y(value)
        parts.append(f"{day_x},{previous_y} {day_x},{value_y}")
        previous_y = value_y
    parts.append(f"{x(min(last_day, date(p.year, 12, 31)))},{previous_y}")
    return {
        "width": CHART_W, "height": CHART_H,
        "line": " ".join(parts),
        "pace": f"0,{CHART_H} {CHART_W},{y(p.requirement)}",
        "target_y": y(p.requirement),
        "today_x": x(p.today) if p.is_current else None,
        "grid": _month_grid(p.year),
    }


def _chart_x(day: date, start: date, days_in_year: int) -> int:
    """The chart's x coordinate of a day of the year that begins on `start`."""
    return (day - start).days * CHART_W // days_in_year


@lru_cache(maxsize=16)
def _month_grid(year: int) -> Markup:
    """The chart's month lines and numbers: the same for every page of the year, so drawn once
    (numbers only, nothing to escape)."""
    start = date(year, 1, 1)
    days_in_year = (date(year, 12, 31) - start).days + 1
    parts = []
    for month in range(1, 13):
        x = _chart_x(date(year, month, 1), start, days_in_year)
        parts.append(f'<line class="grid" x1="{x}" y1="0" x2="{x}" y2="{CHART_H}"/>'
                     f'<text class="axis" x="{x + 2}" y="{CHART_H + 14}">{month}</text>')
    return Markup("".join(parts))


class Line(NamedTuple):
    """One ledger line as the page shows it: the id of the entry that reversed it (if any) and the
    title of the material, quiz, activity or claim it comes from (if any, ledger.sources)."""

    id: int
    occurred_on: date
    category: Category
    credit_hundredths: int
    requested_hundredths: int | None
    minutes: int | None
    source_type: str
    source_id: str | None
    reason: str | None
    reversed_by_id: int | None
    source_title: str | None
    source_key: str | None  # what the source's page is addressed by (a material's slug, else its id)


@cache
def _lines_statement():
    """`queries.entries_with_status` for one page, reduced to the columns of a Line, built once
    with parameters."""
    stmt = queries.entries_with_status(bindparam("user_id"), bindparam("year"))
    e = LedgerEntry
    columns = [getattr(e, name) for name in Line._fields[:-3]] + [stmt.selected_columns.reversed_by_id,
                                                                 sources.title_column(e), sources.key_column(e)]
    return stmt.with_only_columns(*columns).limit(bindparam("limit")).offset(bindparam("offset"))


def lines_page(user_id: int, year: int, page: int, per_page: int) -> list[Line]:
    """One page of the person's ledger lines of the year, newest first. Plain tuples rather than
    mapped objects or SQLAlchemy rows: a page of 50 lines reads their fields some 700 times."""
    result = _plain_rows(_lines_statement(), {"user_id": user_id, "year": year, "limit": per_page,
                                              "offset": (page - 1) * per_page})
    return [Line._make(row) for row in result.all()]


def _plain_rows(statement, params: dict):
    """Rows of a statement of columns (no mapped objects), run on the session's connection: the
    ORM's result handling costs a third of these small queries and adds nothing to them. Pending
    changes are flushed first, as `session.execute` would."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)


class _ByKey(dict):
    """A label for each key, and the key itself for one without a label."""

    def __missing__(self, key):
        return key


def entry_labels() -> dict[str, dict]:
    """The labels of the categories and source types of ledger lines in the request's language,
    for a page that shows many lines (translated once per language for the life of the process)."""
    return per_catalog("ledger.entry_labels", lambda: {
        "category": _ByKey((c, c.label) for c in Category),
        "source": _ByKey((t, str(label)) for t, label in SOURCE_LABELS.items()),
    })
