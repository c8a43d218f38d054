"""A person's progress in a training year: against the requirement, pace, projection, chart points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from learnapp import clock
from learnapp.db import db
from learnapp.ledger import queries
from learnapp.ledger.models import SOURCE_LABELS, Category, LedgerEntry
from learnapp.ledger.offline_models import Activity, Claim
from learnapp.ledger.rules import YearRules, rules_for_year

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


def year_progress(user, year: int | None = None, *, with_chart: bool = True) -> Progress:
    today = clock.today()
    year = year or today.year
    rules = rules_for_year(year)
    summary = queries.year_summary(user.id, year)
    p = Progress(user, year, rules, rules.requirement_for(user), summary["total"], summary["online"],
                 summary["offline"], summary["by_category"], today, lines=summary["lines"])
    start, end = date(year, 1, 1), date(year, 12, 31)
    days_in_year = (end - start).days + 1
    if p.is_current:
        elapsed = (today - start).days + 1
        p.expected = p.requirement * elapsed // days_in_year
        if not p.done and p.total > 0:
            days_needed = -(-(p.requirement - p.total) * elapsed // p.total)
            p.projected_on = today + timedelta(days=days_needed)
    daily = queries.daily_split(user.id, year) if (with_chart or p.done) else []
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


def _chart(points: list[tuple[date, int]], p: Progress, start: date, days_in_year: int) -> dict:
    """Coordinates for a server-drawn SVG: cumulative credit as steps, the pace line, the target."""
    top = max([p.requirement, p.total] + [v for _d, v in points]) or 100
    top = top * 11 // 10

    def x(day: date) -> int:
        return (day - start).days * CHART_W // days_in_year

    def y(value: int) -> int:
        return CHART_H - max(0, value) * CHART_H // top

    last_day = p.today if p.is_current else date(p.year, 12, 31)
    coords = [(0, CHART_H)]
    previous = 0
    for day, value in points:
        coords.append((x(day), y(previous)))
        coords.append((x(day), y(value)))
        previous = value
    coords.append((x(min(last_day, date(p.year, 12, 31))), y(previous)))
    return {
        "width": CHART_W, "height": CHART_H,
        "line": " ".join(f"{a},{b}" for a, b in coords),
        "pace": f"0,{CHART_H} {CHART_W},{y(p.requirement)}",
        "target_y": y(p.requirement),
        "today_x": x(p.today) if p.is_current else None,
        "months": [(x(date(p.year, m, 1)), m) for m in range(1, 13)],
    }


def entry_labels(entries: list[LedgerEntry]) -> dict[str, dict]:
    """The labels of the categories and source types of these entries in the request's language,
    translated once for a page that shows many ledger lines."""
    return {"category": {c: c.label for c in {e.category for e in entries}},
            "source": {t: str(SOURCE_LABELS.get(t, t)) for t in {e.source_type for e in entries}}}


def sources_for(entries: list[LedgerEntry]) -> dict[tuple[str, str], object]:
    """Activity and claim objects for the entries' sources, fetched in two queries."""
    wanted: dict[str, set[int]] = {"activity": set(), "claim": set()}
    for entry in entries:
        if entry.source_type in wanted and entry.source_id and entry.source_id.isdigit():
            wanted[entry.source_type].add(int(entry.source_id))
    found: dict[tuple[str, str], object] = {}
    if wanted["activity"]:
        for a in db.session.scalars(select(Activity).where(Activity.id.in_(wanted["activity"]))):
            found[("activity", str(a.id))] = a
    if wanted["claim"]:
        for c in db.session.scalars(select(Claim).where(Claim.id.in_(wanted["claim"]))):
            found[("claim", str(c.id))] = c
    return found
