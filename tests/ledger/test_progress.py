"""The learner's progress: pace by today, projected finish, minimums, past years, the panel."""

from __future__ import annotations

from datetime import date

from learnapp.ledger import services
from learnapp.ledger.models import Category
from learnapp.ledger.progress import year_progress
from learnapp.security import SYSTEM


def _grant(user, credit, day, category=Category.lecture):
    services.grant(SYSTEM, user, category=category, credit_hundredths=credit, occurred_on=day,
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
    services.save_rules(SYSTEM, "year: 2026\nrequirement: {default: 10, min_online: 1}\n", source_name="t")
    _grant(org.learner_a, 1000, date(2026, 5, 1))
    p = year_progress(org.learner_a)
    assert p.total == 1000 and not p.done
    _grant(org.learner_a, 100, date(2026, 5, 2), Category.online_reading)
    p = year_progress(org.learner_a)
    assert p.done and p.status == "done" and p.completed_on == date(2026, 5, 2)


def test_past_year_status(org, db):
    _grant(org.learner_a, 1000, date(2025, 5, 1))
    assert year_progress(org.learner_a, 2025).status == "incomplete"


def test_one_statement_gives_the_summary_the_days_and_the_years(org, db):
    """The page's figures, chart and list of years come from one statement: the same numbers as
    the ledger's own year summary, per-day sums and years, reversals and several categories a day
    included."""
    from learnapp.ledger import progress, queries

    _grant(org.learner_a, 300, date(2026, 2, 1))
    _grant(org.learner_a, 50, date(2026, 2, 1), Category.online_reading)
    _grant(org.learner_a, 25, date(2026, 2, 1), Category.online_video)
    entry = services.grant(SYSTEM, org.learner_a, category=Category.self_study, credit_hundredths=200,
                           occurred_on=date(2026, 3, 5), source_type="adjustment", source_id="7")
    services.reverse_entry(org.admin_a, entry, "录入有误")
    _grant(org.learner_a, 100, date(2025, 12, 31))  # another year: not counted in 2026's figures
    _grant(org.learner_a, 40, date(2024, 6, 1))
    summary, daily, years = progress._figures_by_day(org.learner_a.id, 2026)
    assert summary == queries.year_summary(org.learner_a.id, 2026)
    assert daily == queries.daily_split(org.learner_a.id, 2026)
    assert summary["lines"] == 5 and summary["total"] == 375 and summary["online"] == 75
    assert years == queries.years_of(org.learner_a.id) == [(2026, 375), (2025, 100), (2024, 40)]
    assert progress._figures_by_day(org.learner_b.id, 2026) == (queries.year_summary(org.learner_b.id, 2026), [], [])
    _grant(org.learner_b, 80, date(2025, 3, 1))  # years, but none in the year shown
    assert progress._figures_by_day(org.learner_b.id, 2026)[1:] == ([], [(2025, 80)])


def test_ledger_lines_and_their_sources(client, org, login, db):
    from learnapp.ledger import progress

    _grant(org.learner_a, 300, date(2026, 2, 1))  # source: activity 1, which does not exist
    entry = services.grant(SYSTEM, org.learner_a, category=Category.self_study, credit_hundredths=200,
                           occurred_on=date(2026, 3, 5), source_type="adjustment", source_id="7", reason="补录")
    correction = services.reverse_entry(org.admin_a, entry, "录入有误")
    lines = progress.lines_page(org.learner_a.id, 2026, 1, 2)
    assert [(line.id, line.reversed_by_id) for line in lines] == [(correction.id, None), (entry.id, correction.id)]
    assert lines[1].reason == "补录" and lines[1].category == Category.self_study
    older = progress.lines_page(org.learner_a.id, 2026, 2, 2)
    assert [line.occurred_on for line in older] == [date(2026, 2, 1)]
    assert [line.source_title for line in lines + older] == [None, None, None]
    db.session.commit()
    login(org.learner_a)
    page = client.get("/ledger/").get_data(as_text=True)
    assert "补录" in page and page.count('class="reversed"') == 1


def test_lines_name_their_claim_and_activity(org, db):
    import io
    from datetime import time

    from learnapp.ledger import activities, claims, progress
    from learnapp.ledger.schedule import make_schedule
    from tests.helpers.ledger import png_bytes

    claim = claims.submit_claim(org.learner_a, category="red_education_visit", title="参观纪念馆",
                                schedule=make_schedule(date(2026, 3, 1), time(9, 0), time(11, 0), None),
                                description="参观", files=[("photo.png", io.BytesIO(png_bytes()))])
    claims.approve_claim(org.admin_a, claim.id)
    activity = activities.create_activity(org.admin_a, branch=org.branch_a, category="lecture", title="党课",
                                          schedule=make_schedule(date(2026, 4, 1), time(14, 0), time(16, 0), None))
    activities.set_attendance(org.admin_a, activity, org.learner_a, True, "roster")
    # Ids that are not a whole number (or too long for one) name nothing, and fail nothing.
    for odd in ("x1", "12345678901", ""):
        services.grant(SYSTEM, org.learner_a, category=Category.lecture, credit_hundredths=10,
                       occurred_on=date(2026, 1, 2), source_type="activity", source_id=odd)
    lines = progress.lines_page(org.learner_a.id, 2026, 1, 50)
    titles = {(line.source_type, line.source_id): line.source_title for line in lines}
    assert titles == {("claim", str(claim.id)): "参观纪念馆", ("activity", str(activity.id)): "党课",
                      ("activity", "x1"): None, ("activity", "12345678901"): None, ("activity", ""): None}
