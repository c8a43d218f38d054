"""Credit for offline study (an activity, a claim) by the conversion rules of each year it falls in."""

from __future__ import annotations

from dataclasses import dataclass

from learnapp.ledger.models import Category
from learnapp.ledger.rules import rules_for_year
from learnapp.ledger.schedule import Schedule


@dataclass(frozen=True)
class Portion:
    """The part of some offline study that counts in one training year."""

    year: int
    first_day: object  # date
    credit: int
    minutes: int


def compute_credit(category: Category | str, schedule: Schedule) -> list[Portion]:
    """Credit for offline study by the rules of each year it falls in (split at a year end)."""
    category = Category(category)
    by_year: dict[int, list] = {}
    for day in schedule.days():
        by_year.setdefault(day.year, []).append(day)
    years = sorted(by_year)
    conversion_of = {y: rules_for_year(y).conversions.get(category) for y in years}
    first = conversion_of[years[0]]
    portions = []
    if first is not None and first.kind in ("per_item", "fixed"):
        # One item or one event: its credit (by the first year's rules) is split by the minutes per year.
        total = first.for_days([schedule.total_minutes])
        remaining = total
        for i, y in enumerate(years):
            minutes = schedule.minutes_per_day * len(by_year[y])
            share = remaining if i == len(years) - 1 else total * minutes // schedule.total_minutes
            remaining -= share
            portions.append(Portion(y, by_year[y][0], share, minutes))
        return portions
    for y in years:
        conversion = conversion_of[y]
        day_minutes = [schedule.minutes_per_day] * len(by_year[y])
        credit = conversion.for_days(day_minutes) if conversion else 0
        portions.append(Portion(y, by_year[y][0], credit, sum(day_minutes)))
    return portions
