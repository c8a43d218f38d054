"""The overall status of a person's training year (pure functions, mirrored in SQL by queries.py).

complete  credit reached the requirement (and the year's minimum online and offline shares, if any)
not_met   the year is over (or closed) and the requirement was not reached
on_track  still open, and credit is at least the pace line: requirement × days elapsed / days in year
behind    still open, and credit is below the pace line

Pace is compared without division (credit × days_in_year ≥ requirement × days_elapsed) so the Python
and SQL versions agree to the hundredth.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l


class Status(enum.StrEnum):
    complete = "complete"
    on_track = "on_track"
    behind = "behind"
    not_met = "not_met"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def tone(self) -> str:
        return {"complete": "ok", "on_track": "ok", "behind": "warn", "not_met": "bad"}[self.value]


STATUS_LABELS = {
    Status.complete: _l("Complete"),
    Status.on_track: _l("On track"),
    Status.behind: _l("Behind pace"),
    Status.not_met: _l("Not met"),
}


def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def days_elapsed(year: int, today: date) -> int:
    """Days of `year` up to and including `today` (0 before it starts, all of it once over)."""
    if today < date(year, 1, 1):
        return 0
    if today.year > year:
        return days_in_year(year)
    return (today - date(year, 1, 1)).days + 1


def pace_target(requirement: int, year: int, today: date) -> int:
    """Hundredths a person should hold by `today` to finish the year on time (rounded up)."""
    elapsed, days = days_elapsed(year, today), days_in_year(year)
    return -(-requirement * elapsed // days)


@dataclass(frozen=True)
class Minimums:
    """The year's optional minimum online and offline credit (hundredths; None: no minimum)."""

    online: int | None = None
    offline: int | None = None


def is_complete(total: int, online: int, offline: int, requirement: int, minimums: Minimums = Minimums()) -> bool:
    if total < requirement:
        return False
    if minimums.online is not None and online < minimums.online:
        return False
    return not (minimums.offline is not None and offline < minimums.offline)


def year_is_over(year: int, today: date, closed: bool = False) -> bool:
    return closed or today.year > year


def overall_status(total: int, online: int, offline: int, requirement: int, year: int, today: date, *,
                   minimums: Minimums = Minimums(), closed: bool = False) -> Status:
    """The status of one person's year; see the module docstring."""
    if is_complete(total, online, offline, requirement, minimums):
        return Status.complete
    if year_is_over(year, today, closed):
        return Status.not_met
    if total * days_in_year(year) >= requirement * days_elapsed(year, today):
        return Status.on_track
    return Status.behind
