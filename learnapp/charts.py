"""Charts drawn on the server as SVG: no script, no CDN, crisp on a phone and in print.

Each function returns Markup for an inline <svg> that scales to its container (viewBox, no fixed
size). Colours and fonts come from presentation attributes and classes (reports.css): the CSP
forbids style attributes. Every chart carries a <title> and the pages show the figures as a table too.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

from learnapp.web import format_credit

RED, GREY, GREEN, AMBER, INK = "#b71c1c", "#9e9e9e", "#2e7d32", "#b26a00", "#222"


def svg(width: int, height: int, title: str, body: list[str], css_class: str) -> Markup:
    """The <svg> element every chart of the site is drawn in: scales to its container, titled for screen readers."""
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart {css_class}" '
            f'role="img" preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")


def completion_bars(rows: Sequence[tuple[str, int, int]], title: str, *, goal_label: str = "") -> Markup:
    """Horizontal bars, one per branch: (label, percent who met the requirement, percent behind pace).

    The label sits above its bar so long Chinese branch names stay readable on a narrow screen.
    """
    width, row_h, top = 320, 38, 8
    height = top + row_h * max(1, len(rows)) + 8
    bar_w = width - 56
    body = []
    for i, (label, met, behind) in enumerate(rows):
        y = top + i * row_h
        met_w = bar_w * max(0, min(100, met)) // 100
        behind_w = bar_w * max(0, min(100 - met, behind)) // 100
        body.append(f'<text x="0" y="{y + 11}" class="chart-label">{escape(label)}</text>')
        body.append(f'<rect x="0" y="{y + 16}" width="{bar_w}" height="14" fill="#eee"/>')
        body.append(f'<rect x="0" y="{y + 16}" width="{met_w}" height="14" fill="{GREEN}"/>')
        if behind_w:
            body.append(f'<rect x="{met_w}" y="{y + 16}" width="{behind_w}" height="14" fill="{AMBER}" opacity="0.55"/>')
        body.append(f'<text x="{bar_w + 4}" y="{y + 28}" class="chart-value">{int(met)}%</text>')
    if not rows:
        body.append(f'<text x="0" y="{top + 16}" class="chart-label">{escape(goal_label)}</text>')
    return svg(width, height, title, body, "chart-bars")


def cumulative_credit(daily: Sequence[tuple[date, int]], requirement: int, year: int, today: date, *,
                      title: str = "", labels: dict | None = None) -> Markup:
    """A person's credit summed over the year (step line) against the pace line and the requirement."""
    labels = labels or {}
    width, height = 360, 220
    left, right, top, bottom = 34, 8, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    days = 366 if calendar.isleap(year) else 365
    total = sum(v for _d, v in daily)
    peak = max(requirement, total, 100)
    # A round top for the y axis: the next multiple of 10 学时 above the peak.
    y_max = -(-peak // 1000) * 1000

    def x_of(day_index: float) -> float:
        return round(left + plot_w * day_index / days, 1)

    def y_of(hundredths: int) -> float:
        return round(top + plot_h - plot_h * hundredths / y_max, 1)

    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#ddd"/>']
    for step in range(0, y_max + 1, max(1000, y_max // 5 // 1000 * 1000)):
        y = y_of(step)
        body.append(f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="#eee"/>')
        body.append(f'<text x="{left - 4}" y="{y + 4}" class="chart-axis" text-anchor="end">{format_credit(step)}</text>')
    for month in range(1, 13):
        x = x_of((date(year, month, 1) - date(year, 1, 1)).days)
        body.append(f'<line x1="{x}" y1="{top + plot_h}" x2="{x}" y2="{top + plot_h + 4}" stroke="#999"/>')
        body.append(f'<text x="{x + 2}" y="{height - 8}" class="chart-axis">{month}</text>')
    # Requirement and pace.
    body.append(f'<line x1="{left}" y1="{y_of(requirement)}" x2="{left + plot_w}" y2="{y_of(requirement)}" '
                f'stroke="{GREY}" stroke-dasharray="4 3"/>')
    body.append(f'<line x1="{left}" y1="{y_of(0)}" x2="{left + plot_w}" y2="{y_of(requirement)}" stroke="{AMBER}" '
                f'stroke-dasharray="2 2"/>')
    # The person's credit, as steps up to today (or the year's end).
    last_index = min(days, max(0, (min(today, date(year, 12, 31)) - date(year, 1, 1)).days + 1))
    points, running = [(x_of(0), y_of(0))], 0
    for day, value in sorted(daily):
        index = (day - date(year, 1, 1)).days
        points.append((x_of(index), y_of(running)))
        running += value
        points.append((x_of(index), y_of(running)))
    if today >= date(year, 1, 1):
        points.append((x_of(last_index), y_of(running)))
    path = " ".join(f"{x},{y}" for x, y in points)
    body.append(f'<polyline points="{path}" fill="none" stroke="{RED}" stroke-width="2"/>')
    if date(year, 1, 1) <= today <= date(year, 12, 31):
        x = x_of(last_index)
        body.append(f'<circle cx="{x}" cy="{y_of(running)}" r="3" fill="{RED}"/>')
    legend_y = top + 12
    body.append(f'<text x="{left + 6}" y="{legend_y}" class="chart-legend" fill="{RED}">'
                f'{escape(labels.get("credit", ""))} {format_credit(running)}</text>')
    body.append(f'<text x="{left + 6}" y="{legend_y + 13}" class="chart-legend" fill="{AMBER}">'
                f'{escape(labels.get("pace", ""))}</text>')
    body.append(f'<text x="{left + 6}" y="{legend_y + 26}" class="chart-legend" fill="{GREY}">'
                f'{escape(labels.get("requirement", ""))} {format_credit(requirement)}</text>')
    return svg(width, height, title, body, "chart-line")


def score_bins(scores_bp: Sequence[int]) -> list[int]:
    """Counts of scores in ten bands: 0–9.99 %, 10–19.99 %, …, 90–100 %."""
    bins = [0] * 10
    for bp in scores_bp:
        bins[min(9, max(0, int(bp) // 1000))] += 1
    return bins


def histogram(bins: Sequence[int], title: str, *, pass_bp: int | None = None, pass_label: str = "") -> Markup:
    """Vertical bars of a score distribution in ten bands, with the pass mark."""
    width, height = 320, 160
    left, right, top, bottom = 6, 6, 16, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(bins, default=0), 1)
    slot = plot_w / len(bins)
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>']
    for i, count in enumerate(bins):
        h = round(plot_h * count / peak, 1)
        x = round(left + i * slot + 2, 1)
        fill = GREEN if pass_bp is not None and (i * 1000) >= pass_bp else RED
        body.append(f'<rect x="{x}" y="{round(top + plot_h - h, 1)}" width="{round(slot - 4, 1)}" height="{h}" fill="{fill}"/>')
        if count:
            body.append(f'<text x="{round(x + (slot - 4) / 2, 1)}" y="{round(top + plot_h - h - 3, 1)}" '
                        f'class="chart-value" text-anchor="middle">{count}</text>')
        body.append(f'<text x="{round(x + (slot - 4) / 2, 1)}" y="{height - 8}" class="chart-axis" '
                    f'text-anchor="middle">{i * 10}</text>')
    if pass_bp is not None:
        x = round(left + plot_w * pass_bp / 10000, 1)
        body.append(f'<line x1="{x}" y1="{top - 4}" x2="{x}" y2="{top + plot_h}" stroke="{INK}" stroke-dasharray="3 2"/>')
        body.append(f'<text x="{x + 3}" y="{top + 4}" class="chart-legend">{escape(pass_label)}</text>')
    return svg(width, height, title, body, "chart-histogram")
