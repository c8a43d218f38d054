"""What other domains show beside a quarterly assessment being written (e.g. the quarter's talks and
thought report). Providers register from their domain's init_app; the assessments domain does not
depend on them."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from learnapp import hooks
from learnapp.accounts.models import User
from learnapp.assessments.models import Period

QUARTER_EXTRAS = "assessments.quarter_extras"


def register_quarter_extra(app: Flask, provider: Callable[[object, User, int, Period], dict | None]) -> None:
    """provider(actor, person, year, period) → {"template": ..., ...} or None."""
    hooks.add(app, QUARTER_EXTRAS, provider)


def quarter_extras(actor, person: User, year: int, period: Period | str | None) -> list[dict]:
    try:
        period = Period(period)
    except ValueError:
        return []
    if not period.is_quarter:
        return []
    return [extra for provider in hooks.providers(QUARTER_EXTRAS) if (extra := provider(actor, person, year, period))]
