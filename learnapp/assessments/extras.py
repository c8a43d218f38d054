"""What other domains show beside a quarterly assessment being written (e.g. the quarter's talks and
thought report). Providers register at import of their views; the assessments domain does not
depend on them."""

from __future__ import annotations

from collections.abc import Callable

from learnapp.accounts.models import User
from learnapp.assessments.models import Period

_providers: list[Callable[[object, User, int, Period], dict | None]] = []


def register_quarter_extra(provider: Callable[[object, User, int, Period], dict | None]) -> None:
    """provider(actor, person, year, period) → {"template": ..., ...} or None."""
    if all(p is not provider for p in _providers):
        _providers.append(provider)


def quarter_extras(actor, person: User, year: int, period: Period | str | None) -> list[dict]:
    try:
        period = Period(period)
    except ValueError:
        return []
    if not period.is_quarter:
        return []
    return [extra for provider in _providers if (extra := provider(actor, person, year, period))]
