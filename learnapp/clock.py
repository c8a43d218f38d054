"""The one source of 'now' for the application, so tests can move time without sleeping."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


class FrozenClock:
    """A clock for tests: stands still until moved."""

    def __init__(self, at: datetime):
        self.at = at if at.tzinfo else at.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, **kwargs) -> datetime:
        self.at = self.at + timedelta(**kwargs)
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at if at.tzinfo else at.replace(tzinfo=UTC)


@contextmanager
def running_on(frozen: FrozenClock) -> Iterator[FrozenClock]:
    """Run the block on `frozen` as the application's clock, then put back the clock that was
    there (the real time, or a test's frozen clock). The demo's simulated reading moves it through
    past days while the real crediting code runs; nothing outside the block sees it."""
    extensions = current_app.extensions
    before = extensions.get("learnapp.clock")
    extensions["learnapp.clock"] = frozen
    try:
        yield frozen
    finally:
        if before is None:
            extensions.pop("learnapp.clock", None)
        else:
            extensions["learnapp.clock"] = before


def _offset_seconds(path: str) -> float:
    try:
        return float(Path(path).read_text().strip() or 0)
    except (OSError, ValueError):
        return 0.0


def now() -> datetime:
    """Current time, UTC and timezone-aware; honours an injected test clock."""
    if has_app_context():
        injected = current_app.extensions.get("learnapp.clock")
        if injected is not None:
            return injected.now()
        offset_file = current_app.config.get("CLOCK_OFFSET_FILE")
        if offset_file:
            return datetime.now(UTC) + timedelta(seconds=_offset_seconds(offset_file))
    return datetime.now(UTC)


def local_tz() -> ZoneInfo:
    """The configured time zone that decides which day and year something belongs to."""
    name = current_app.config.get("TIMEZONE", "Asia/Shanghai") if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def to_local(moment: datetime) -> datetime:
    """A UTC moment in the configured time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_tz())


def today() -> date:
    """Today's date in the configured time zone."""
    return to_local(now()).date()


def local_midnight_utc(day: date) -> datetime:
    """The UTC moment at which the given local day begins."""
    return datetime(day.year, day.month, day.day, tzinfo=local_tz()).astimezone(UTC)
