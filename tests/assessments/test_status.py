"""The overall status of a year: complete, on track, behind, not met (pure functions)."""

from __future__ import annotations

from datetime import date

from learnapp.assessments.status import Minimums, Status, days_elapsed, overall_status, pace_target


def test_pace_target_grows_through_the_year():
    assert pace_target(5000, 2026, date(2025, 12, 31)) == 0
    assert pace_target(5000, 2026, date(2026, 1, 1)) == 14  # 5000/365 rounded up
    assert pace_target(5000, 2026, date(2026, 7, 2)) == 2507  # day 183 of 365: 2506.8 rounded up
    assert pace_target(5000, 2026, date(2026, 12, 31)) == 5000
    assert pace_target(5000, 2026, date(2027, 3, 1)) == 5000
    assert days_elapsed(2024, date(2024, 12, 31)) == 366


def test_statuses():
    mid = date(2026, 7, 2)
    assert overall_status(5000, 3000, 2000, 5000, 2026, mid) == Status.complete
    assert overall_status(2507, 2507, 0, 5000, 2026, mid) == Status.on_track
    assert overall_status(2506, 2506, 0, 5000, 2026, mid) == Status.behind
    assert overall_status(4999, 4999, 0, 5000, 2026, date(2027, 1, 1)) == Status.not_met
    assert overall_status(100, 100, 0, 5000, 2026, mid, closed=True) == Status.not_met
    # A minimum offline share: enough credit, but all of it online, is not complete.
    assert overall_status(5000, 5000, 0, 5000, 2026, mid, minimums=Minimums(offline=1000)) == Status.on_track
    assert overall_status(6000, 5000, 1000, 5000, 2026, mid, minimums=Minimums(offline=1000)) == Status.complete
