"""When offline study happened: local dates and a daily local time window (pure, no database)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from learnapp.errors import DomainError

# A claim or activity longer than this is a typing mistake rather than a training course.
MAX_DAYS = 31


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


@dataclass(frozen=True)
class Schedule:
    """From start_date to end_date (inclusive), every day from start_time to end_time."""

    start_date: date
    end_date: date
    start_time: time
    end_time: time

    @property
    def minutes_per_day(self) -> int:
        return _minutes(self.end_time) - _minutes(self.start_time)

    @property
    def day_count(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def total_minutes(self) -> int:
        return self.minutes_per_day * self.day_count

    def days(self) -> Iterator[date]:
        day = self.start_date
        while day <= self.end_date:
            yield day
            day += timedelta(days=1)

    def minutes_by_year(self) -> dict[int, int]:
        """Minutes in each calendar year: an activity across a year end counts in both."""
        result: dict[int, int] = {}
        for day in self.days():
            result[day.year] = result.get(day.year, 0) + self.minutes_per_day
        return result

    def overlaps(self, other: Schedule) -> bool:
        """True when both happen on a common day at a common time."""
        if self.end_date < other.start_date or other.end_date < self.start_date:
            return False
        return self.start_time < other.end_time and other.start_time < self.end_time

    def window_on(self, day: date, slack_minutes: int = 30) -> tuple[datetime, datetime] | None:
        """The local (naive) moments around the study time of `day`, with slack either side."""
        if not self.start_date <= day <= self.end_date:
            return None
        start = datetime.combine(day, self.start_time) - timedelta(minutes=slack_minutes)
        end = datetime.combine(day, self.end_time) + timedelta(minutes=slack_minutes)
        return start, end


def make_schedule(start_date: date | None, start_time: time | None, end_time: time | None,
                  end_date: date | None = None) -> Schedule:
    """Check and build a schedule; errors name the form field at fault."""
    reasons = []
    if start_date is None:
        reasons.append(("start_date", _("Enter the date.")))
    if start_time is None:
        reasons.append(("start_time", _("Enter the start time.")))
    if end_time is None:
        reasons.append(("end_time", _("Enter the end time.")))
    if reasons:
        raise DomainError(reasons)
    end_date = end_date or start_date
    if end_date < start_date:
        raise DomainError(_("The last day is before the first day."), "end_date")
    if (end_date - start_date).days + 1 > MAX_DAYS:
        raise DomainError(_("At most %(days)d days can be entered at once.", days=MAX_DAYS), "end_date")
    schedule = Schedule(start_date, end_date, start_time.replace(second=0, microsecond=0),
                        end_time.replace(second=0, microsecond=0))
    if schedule.minutes_per_day <= 0:
        raise DomainError(_("The end time must be after the start time (within one day)."), "end_time")
    return schedule
