"""Grading: pure functions, one per question kind, no database and no floats.

Each returns the fraction of the question's points earned as an exact `Fraction` in [0, 1], or
None when a person has to grade it (essays). Penalties lower a question's credit but never below
zero, so a wrong guess cannot eat points earned on other questions.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from learnapp.bank.normalise import normalise_answer

ZERO = Fraction(0)
ONE = Fraction(1)


def _clamp(value: Fraction) -> Fraction:
    return max(ZERO, min(ONE, value))


def _fractions(options: Iterable[dict[str, Any]]) -> dict[str, int]:
    return {str(o["key"]): int(o.get("fraction", 0)) for o in options}


def grade_single(options: list[dict[str, Any]], response: Any, *, partial: bool = True) -> Fraction:
    """Single choice: the chosen option's fraction (an option may give part credit when `partial`)."""
    by_key = _fractions(options)
    if not isinstance(response, str) or response not in by_key:
        return ZERO
    fraction = by_key[response]
    if not partial:
        best = max(by_key.values(), default=0)
        return ONE if fraction > 0 and fraction == best else ZERO
    return _clamp(Fraction(fraction, 100))


def grade_multiple(options: list[dict[str, Any]], response: Any, *, partial: bool) -> Fraction:
    """Multiple choice, all or nothing (exactly the correct set) or partial credit with penalties.

    Partial: the sum of the chosen options' fractions. When the author gave no option a negative
    fraction, each wrong choice costs 1/(number of correct options) instead, so ticking every box
    never earns full marks.
    """
    by_key = _fractions(options)
    chosen = {k for k in (response or []) if isinstance(k, str) and k in by_key} if isinstance(response, list) else set()
    correct = {k for k, f in by_key.items() if f > 0}
    if not partial:
        return ONE if correct and chosen == correct else ZERO
    if not chosen:
        return ZERO
    authored_penalties = any(f < 0 for f in by_key.values())
    total = ZERO
    for key in chosen:
        fraction = by_key[key]
        if fraction > 0 or authored_penalties:
            total += Fraction(fraction, 100)
        elif correct:
            total -= Fraction(1, len(correct))
    return _clamp(total)


def grade_truefalse(answer: Any, response: Any) -> Fraction:
    """True/false: right or wrong; no response is wrong."""
    if not isinstance(response, bool):
        return ZERO
    return ONE if response == bool(answer) else ZERO


def blank_matches(accepted: Iterable[str], given: Any) -> bool:
    """A typed answer matches a blank when it equals an accepted one after normalisation
    (full-/half-width, surrounding spaces, punctuation and case do not matter)."""
    if not isinstance(given, str):
        return False
    typed = normalise_answer(given)
    return bool(typed) and any(typed == normalise_answer(a) for a in accepted if normalise_answer(a))


def blank_results(answer: list[list[str]], response: Any) -> list[bool]:
    """Per blank: whether the response matched."""
    given = response if isinstance(response, list) else []
    return [blank_matches(accepted, given[i] if i < len(given) else None) for i, accepted in enumerate(answer or [])]


def grade_fill_blank(answer: list[list[str]], response: Any, *, partial: bool) -> Fraction:
    """Fill in the blank: each blank an equal share (partial) or every blank right (all or nothing)."""
    results = blank_results(answer, response)
    if not results:
        return ZERO
    right = sum(results)
    if not partial:
        return ONE if right == len(results) else ZERO
    return Fraction(right, len(results))


def grade(kind: str, options: list[dict[str, Any]], answer: Any, response: Any, *, partial: bool) -> Fraction | None:
    """Dispatch on the question kind; None means a person grades it."""
    kind = str(kind)
    if kind == "single":
        return grade_single(options, response, partial=partial)
    if kind == "multiple":
        return grade_multiple(options, response, partial=partial)
    if kind == "truefalse":
        return grade_truefalse(answer, response)
    if kind == "fill_blank":
        return grade_fill_blank(answer, response, partial=partial)
    return None


def points_hundredths(fraction: Fraction, points: int) -> int:
    """Hundredths of a point earned: fraction × points, rounded half up to the hundredth."""
    exact = fraction * points * 100
    return int((exact * 2 + 1) // 2)


def percent_bp(score_hundredths: int, max_hundredths: int) -> int:
    """Score as hundredths of a percent (0..10000), rounded half up; 0 for an empty quiz."""
    if max_hundredths <= 0:
        return 0
    exact = Fraction(score_hundredths * 10000, max_hundredths)
    return int((exact * 2 + 1) // 2)


def counted_bp(method: str, percents_in_order: list[int]) -> int | None:
    """A person's result over their graded attempts (oldest first) by the quiz's grading method."""
    if not percents_in_order:
        return None
    method = str(method)
    if method == "first":
        return percents_in_order[0]
    if method == "last":
        return percents_in_order[-1]
    if method == "average":
        exact = Fraction(sum(percents_in_order), len(percents_in_order))
        return int((exact * 2 + 1) // 2)
    return max(percents_in_order)


def is_answered(kind: str, response: Any) -> bool:
    """Whether a saved response counts as an answer (for progress and item analysis)."""
    if response is None:
        return False
    if str(kind) == "fill_blank":
        return isinstance(response, list) and any(isinstance(r, str) and r.strip() for r in response)
    if isinstance(response, str):
        return bool(response.strip())
    if isinstance(response, list):
        return bool(response)
    return True
