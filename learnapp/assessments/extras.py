"""What other domains show on the assessments pages: beside a quarterly assessment being written
(e.g. the quarter's talks and thought report) and on a person's annual record (e.g. the study
record certificates). Providers register from their domain's init_app; the assessments domain does
not depend on them."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from learnapp import hooks
from learnapp.accounts.models import User
from learnapp.assessments.models import Period

QUARTER_EXTRAS = "assessments.quarter_extras"
RECORD_SECTIONS = "assessments.record_sections"


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


def register_record_section(app: Flask, provider: Callable[[object, User, int], dict | None], *,
                            order: int = 100) -> None:
    """provider(actor, person, year) → {"template": ..., ...} or None: a section of the annual record."""
    hooks.add(app, RECORD_SECTIONS, provider, order=order)


def record_sections(actor, person: User, year: int) -> list[dict]:
    return [section for provider in hooks.providers(RECORD_SECTIONS) if (section := provider(actor, person, year))]
