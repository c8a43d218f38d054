"""The learner's progress: pace by today, projected finish, minimums, past years, the panel."""

from __future__ import annotations

from datetime import date

from learnapp.ledger import services
from learnapp.ledger.models import Category
from learnapp.ledger.progress import year_progress


def _grant(user, credit, day, category=Category.lecture):
    services.grant(None, user, category=category, credit_hundredths=credit, occurred_on=day,
                   source_type="activity", source_id=1)


def test_pace_and_projection(org, db):
    # 15 June 2026 is day 166 of 365: an even pace toward 50 expects 22.73 by today.
    _grant(org.learner_a, 1000, date(2026, 3, 1))
    p = year_progress(org.learner_a)
    assert p.expected == 5000 * 166 // 365 and p.status == "behind"
    # 10 in 166 days: 40 more need 664 days, so not this year.
    assert p.projected_on == date(2026, 6, 15).fromordinal(date(2026, 6, 15).toordinal() + 664)
    assert not p.finishes_in_year
    _grant(org.learner_a, 2000, date(2026, 6, 1))
    p = year_progress(org.learner_a)
    assert p.status == "on_track" and p.finishes_in_year
    assert p.chart["line"].startswith("0,200")


def test_done_needs_minimums_and_remembers_the_day(org, db):
    services.save_rules(None, "year: 2026\nrequirement: {default: 10, min_online: 1}\n", source_name="t")
    _grant(org.learner_a, 1000, date(2026, 5, 1))
    p = year_progress(org.learner_a)
    assert p.total == 1000 and not p.done
    _grant(org.learner_a, 100, date(2026, 5, 2), Category.online_reading)
    p = year_progress(org.learner_a)
    assert p.done and p.status == "done" and p.completed_on == date(2026, 5, 2)


def test_past_year_status(org, db):
    _grant(org.learner_a, 1000, date(2025, 5, 1))
    assert year_progress(org.learner_a, 2025).status == "incomplete"
