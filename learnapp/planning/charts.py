"""The plan-against-actual and composition charts (the plan page and the year-end page): SVG drawn on
the server in the site's shared <svg> (learnapp.charts.svg; the CSP forbids style attributes, so
colours are presentation attributes). The pages show the same figures as tables beside them."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from markupsafe import Markup, escape

from learnapp.charts import GREY as PLANNED
from learnapp.charts import RED as DEVELOPED
from learnapp.charts import svg
from learnapp.planning.actuals import Row
from learnapp.planning.categories import categories


def _legend(*keys: tuple[int, int, str, str]) -> list[str]:
    """The legend line above the bars: for each (x, mark width, colour, text) a mark and its text."""
    body = []
    for x, mark_w, colour, text in keys:
        body.append(f'<rect x="{x}" y="4" width="{mark_w}" height="10" fill="{colour}"/>')
        body.append(f'<text x="{x + mark_w + 4}" y="13" class="chart-legend">{escape(text)}</text>')
    return body


def plan_bars(branch_name: str, rows: Sequence[tuple[str, int | None, int]]) -> Markup:
    """Two bars per (name, planned, admitted): planned (grey) and admitted (red), on one scale."""
    width, row_h, top = 320, 46, 22
    bar_w = width - 40
    peak = max([1] + [max(p or 0, d) for _n, p, d in rows])
    body = _legend((0, 10, PLANNED, _("Planned")), (90, 10, DEVELOPED, _("Admitted")))
    for i, (name, planned, developed) in enumerate(rows):
        y = top + i * row_h
        body.append(f'<text x="0" y="{y + 11}" class="chart-label">{escape(name)}</text>')
        for j, (value, colour) in enumerate(((planned, PLANNED), (developed, DEVELOPED))):
            w = round(bar_w * (value or 0) / peak, 1)
            body.append(f'<rect x="0" y="{y + 15 + j * 13}" width="{w}" height="11" fill="{colour}"/>')
            label = "—" if value is None else str(value)
            body.append(f'<text x="{w + 4}" y="{y + 24 + j * 13}" class="chart-value">{escape(label)}</text>')
    height = top + row_h * len(rows)
    return svg(width, height, _("Plan against actual: %(branch)s", branch=branch_name), body, "chart-bars")


def composition_bars(lines: Sequence[tuple[object, float | None, float | None]]) -> Markup:
    """One bar per (label, share, target share): the share of those admitted (red), the target a grey mark."""
    width, row_h, top = 320, 34, 22
    bar_w = width - 48
    body = _legend((0, 10, DEVELOPED, _("Share (%)")), (110, 3, PLANNED, _("Target share (%)")))
    for i, (label, part, target) in enumerate(lines):
        y = top + i * row_h
        body.append(f'<text x="0" y="{y + 11}" class="chart-label">{escape(str(label))}</text>')
        body.append(f'<rect x="0" y="{y + 15}" width="{bar_w}" height="11" fill="#eee"/>')
        w = round(bar_w * min(100, part or 0) / 100, 1)
        body.append(f'<rect x="0" y="{y + 15}" width="{w}" height="11" fill="{DEVELOPED}"/>')
        if target is not None:
            x = round(bar_w * min(100, target) / 100, 1)
            body.append(f'<rect x="{max(0, x - 1.5)}" y="{y + 12}" width="3" height="17" fill="{PLANNED}"/>')
        text = "—" if part is None else f"{part:.1f}%"
        body.append(f'<text x="{bar_w + 4}" y="{y + 24}" class="chart-value">{escape(text)}</text>')
    height = top + row_h * max(1, len(lines))
    return svg(width, height, _("Composition of those admitted"), body, "chart-bars")


def page_charts(total: Row, rows: list[Row]) -> tuple[Markup, Markup]:
    """The plan page's two charts: the subtree and its direct sub-branches; the composition of the total."""
    bars = plan_bars(total.branch.name, [(r.branch.name, r.planned, r.developed) for r in [total, *rows]])
    composition = composition_bars([(c.label, total.share(c.code), total.target_share(c.code)) for c in categories()])
    return bars, composition
