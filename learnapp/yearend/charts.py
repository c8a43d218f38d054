"""The charts of the year-end page: those of the plan page (planning.charts) drawn from the year's figures."""

from __future__ import annotations

from markupsafe import Markup

from learnapp.planning import charts
from learnapp.yearend.figures import YearEnd


def plan_bars(f: YearEnd) -> Markup:
    """Two bars per branch: planned (grey) and admitted (red), on one scale; the total first."""
    rows = [(f.branch.name, f.plan.planned, f.plan.developed)]
    rows += [(r.branch.name, r.planned, r.developed) for r in f.plan.rows]
    return charts.plan_bars(f.branch.name, rows)


def composition_bars(f: YearEnd) -> Markup:
    """One bar per category: its share of those admitted with the target share as a mark."""
    return charts.composition_bars([(line.label, line.share, line.target_share) for line in f.plan.composition])
