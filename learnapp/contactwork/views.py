"""The contact work's home-page panels and what it shows beside a quarterly assessment.

The routes live in talk_views (a person's cultivation page, talks), report_views (thought reports)
and review_views (the political review dossier), all on blueprint.bp.
"""

from __future__ import annotations

from learnapp import clock
from learnapp.contactwork import access, queries
from learnapp.contactwork.reports import quarter_bounds, quarter_label, quarter_of, report_for
from learnapp.security import is_branch_admin


def contact_panel(user) -> dict | None:
    """For a training contact: per person, the next talk, missing and unread reports, assessments due."""
    people = queries.due_for_contact(user)
    if not people:
        return None
    return {"template": "contactwork/_contact_panel.html", "people": people, "label": quarter_label,
            "current": quarter_of(clock.today())}


def branch_panel(user) -> dict | None:
    """For a branch admin: how many thought reports of the current and the last quarter are missing."""
    if not is_branch_admin(user):
        return None
    today = clock.today()
    current = quarter_of(today)
    last = queries.last_quarters(today, 1)[0]
    counts = []
    for year, quarter in (last, current):
        counts.append((year, quarter, queries.missing_reports_count(user, year, quarter),
                       quarter_bounds(year, quarter)[1] < today))
    return {"template": "contactwork/_branch_panel.html", "counts": counts, "label": quarter_label}


def reporter_panel(user) -> dict | None:
    """For a person who reports: this quarter's thought report, handed in or still to write."""
    if not access.must_report(user):
        return None
    year, quarter = quarter_of(clock.today())
    return {"template": "contactwork/_reporter_panel.html", "report": report_for(user, year, quarter),
            "quarter": f"{year}-{quarter}", "title": quarter_label(year, quarter), "due": quarter_bounds(year, quarter)[1]}


def assessment_quarter_work(actor, person, year: int, period) -> dict | None:
    """Beside a contact's quarterly assessment: the quarter's talks and thought report."""
    if not access.can_read_talk_notes(actor, person):
        return None
    quarter = int(period.value[1])
    return {"template": "contactwork/_quarter_work.html", "work": queries.quarter_work(person, year, quarter),
            "title": quarter_label(year, quarter), "person": person}
