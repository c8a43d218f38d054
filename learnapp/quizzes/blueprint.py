"""The quizzes blueprint, shared by the learner, building and report view modules."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")


@bp.app_template_filter("quiz_percent")
def quiz_percent(value_bp: int | None) -> str:
    """Hundredths of a percent as "85.5" (no float arithmetic); "–" when there is none."""
    if value_bp is None:
        return "–"
    sign = "-" if value_bp < 0 else ""
    whole, frac = divmod(abs(int(value_bp)), 100)
    return f"{sign}{whole}" if frac == 0 else f"{sign}{whole}.{frac:02d}".rstrip("0")


@bp.app_template_filter("quiz_points")
def quiz_points(hundredths: int | None) -> str:
    """Hundredths of a point as "2.5"."""
    return quiz_percent(hundredths) if hundredths is not None else "–"


@bp.app_template_filter("quiz_index")
def quiz_index(value: int | None) -> str:
    """A discrimination index stored ×10000 as "0.35"."""
    if value is None:
        return "–"
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(int(value)), 10000)
    return f"{sign}{whole}.{frac // 100:02d}"


@bp.app_template_filter("quiz_pct")
def quiz_pct(value_bp: int | None) -> str:
    """Hundredths of a percent as "85.5%"; "–" when there is none."""
    return "–" if value_bp is None else f"{quiz_percent(value_bp)}%"
