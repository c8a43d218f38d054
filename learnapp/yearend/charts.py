"""The plan-against-actual chart of the year-end page: SVG drawn on the server (the CSP forbids style
attributes, so colours are presentation attributes); the page shows the same figures as a table."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

from learnapp.yearend.figures import YearEnd

PLANNED, DEVELOPED = "#9e9e9e", "#b71c1c"


def plan_bars(f: YearEnd) -> Markup:
    """Two bars per branch: planned (grey) and admitted (red), on one scale; the total first."""
    rows = [(f.branch.name, f.plan.planned, f.plan.developed)]
    rows += [(r.branch.name, r.planned, r.developed) for r in f.plan.rows]
    width, row_h, top = 320, 46, 22
    bar_w = width - 40
    peak = max([1] + [max(p or 0, d) for _n, p, d in rows])
    body = [f'<rect x="0" y="4" width="10" height="10" fill="{PLANNED}"/>',
            f'<text x="14" y="13" class="chart-legend">{escape(_("Planned"))}</text>',
            f'<rect x="90" y="4" width="10" height="10" fill="{DEVELOPED}"/>',
            f'<text x="104" y="13" class="chart-legend">{escape(_("Admitted"))}</text>']
    for i, (name, planned, developed) in enumerate(rows):
        y = top + i * row_h
        body.append(f'<text x="0" y="{y + 11}" class="chart-label">{escape(name)}</text>')
        for j, (value, colour) in enumerate(((planned, PLANNED), (developed, DEVELOPED))):
            w = round(bar_w * (value or 0) / peak, 1)
            body.append(f'<rect x="0" y="{y + 15 + j * 13}" width="{w}" height="11" fill="{colour}"/>')
            label = "—" if value is None else str(value)
            body.append(f'<text x="{w + 4}" y="{y + 24 + j * 13}" class="chart-value">{escape(label)}</text>')
    height = top + row_h * len(rows)
    title = _("Plan against actual: %(branch)s", branch=f.branch.name)
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart chart-bars" '
                  f'role="img" preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>' + "".join(body) + "</svg>")


def composition_bars(f: YearEnd) -> Markup:
    """One bar per category: its share of those admitted (red) with the target share as a mark (grey)."""
    lines = f.plan.composition
    width, row_h, top = 320, 34, 22
    bar_w = width - 48
    body = [f'<rect x="0" y="4" width="10" height="10" fill="{DEVELOPED}"/>',
            f'<text x="14" y="13" class="chart-legend">{escape(_("Share (%)"))}</text>',
            f'<rect x="110" y="4" width="3" height="10" fill="{PLANNED}"/>',
            f'<text x="118" y="13" class="chart-legend">{escape(_("Target share (%)"))}</text>']
    for i, line in enumerate(lines):
        y = top + i * row_h
        body.append(f'<text x="0" y="{y + 11}" class="chart-label">{escape(str(line.label))}</text>')
        body.append(f'<rect x="0" y="{y + 15}" width="{bar_w}" height="11" fill="#eee"/>')
        w = round(bar_w * min(100, line.share or 0) / 100, 1)
        body.append(f'<rect x="0" y="{y + 15}" width="{w}" height="11" fill="{DEVELOPED}"/>')
        if line.target_share is not None:
            x = round(bar_w * min(100, line.target_share) / 100, 1)
            body.append(f'<rect x="{max(0, x - 1.5)}" y="{y + 12}" width="3" height="17" fill="{PLANNED}"/>')
        label = "—" if line.share is None else f"{line.share:.1f}%"
        body.append(f'<text x="{bar_w + 4}" y="{y + 24}" class="chart-value">{escape(label)}</text>')
    height = top + row_h * max(1, len(lines))
    title = _("Composition of those admitted")
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart chart-bars" '
                  f'role="img" preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>' + "".join(body) + "</svg>")
