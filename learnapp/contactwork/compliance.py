"""Contact work's part of the compliance report (development.compliance): for each ended quarter,
the thought reports not handed in and the quarterly assessments a training contact has not written."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Date, Integer, exists, literal, select, union_all
from sqlalchemy.orm import aliased

from learnapp.accounts.models import ContactAssignment, User
from learnapp.assessments.models import QUARTERS, Assessment
from learnapp.contactwork.access import REPORTING_STAGES
from learnapp.contactwork.models import ReportStatus, ThoughtReport
from learnapp.contactwork.queries import FIRST_QUARTER_GRACE_DAYS
from learnapp.contactwork.reports import quarter_bounds, quarter_label
from learnapp.db import db
from learnapp.development.check import PERSON_COLUMNS, Finding, PersonRef
from learnapp.development.queries import entered_since


def _quarters(quarters: list[tuple[int, int]]):
    """The quarters looked at as a derived table: year, quarter, period (an assessment's), the day
    a contact must have been assigned before, and the latest day one may have started reporting."""
    created = ContactAssignment.__table__.c.created_at.type
    rows = []
    for year, quarter in quarters:
        last = quarter_bounds(year, quarter)[1]
        rows.append(select(literal(year, Integer).label("year"), literal(quarter, Integer).label("quarter"),
                           literal(QUARTERS[quarter - 1], Assessment.__table__.c.period.type).label("period"),
                           literal(datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC), created)
                           .label("assigned_before"),
                           literal(last - timedelta(days=FIRST_QUARTER_GRACE_DAYS), Date).label("since_by")))
    return union_all(*rows).subquery("quarters") if len(rows) > 1 else rows[0].subquery("quarters")


def _missing_reports_stmt(condition: ColumnElement, q):
    """(year, quarter, the person's columns): who owed a report in a quarter and has not handed it in
    (as contactwork.queries.missing_reports_stmt, every quarter at once)."""
    since = entered_since(REPORTING_STAGES, "reporting")
    handed_in = exists().where(ThoughtReport.user_id == User.id, ThoughtReport.year == q.c.year,
                               ThoughtReport.quarter == q.c.quarter, ThoughtReport.status != ReportStatus.draft)
    return (select(q.c.year, q.c.quarter, *PERSON_COLUMNS)
            .join(since, since.c.user_id == User.id).join(q, since.c.since <= q.c.since_by)
            .where(User.active, User.stage.in_(REPORTING_STAGES), condition, ~handed_in))


def _missing_assessments_stmt(condition: ColumnElement, q):
    """(year, quarter, the person's columns, contact name): a contact assigned before the quarter
    ended to a person who owed a report that quarter, with no assessment of theirs for it."""
    since = entered_since(REPORTING_STAGES, "assessed_since")
    contact = aliased(User)
    written = exists().where(Assessment.user_id == User.id, Assessment.year == q.c.year,
                             Assessment.period == q.c.period, Assessment.assessor_id == ContactAssignment.contact_id)
    return (select(q.c.year, q.c.quarter, *PERSON_COLUMNS, contact.name.label("contact_name"))
            .join(since, since.c.user_id == User.id)
            .join(q, since.c.since <= q.c.since_by)
            .join(ContactAssignment, ContactAssignment.learner_id == User.id)
            .join(contact, contact.id == ContactAssignment.contact_id)
            .where(User.active, User.stage.in_(REPORTING_STAGES), condition, ContactAssignment.active,
                   ContactAssignment.created_at < q.c.assigned_before, ~written))


def missing_work(condition: ColumnElement, quarters: list[tuple[int, int]], today: date) -> list[Finding]:
    """Findings "no_report" and "no_assessment" for the people meeting `condition`: two statements
    for all the quarters."""
    if not quarters:
        return []
    q = _quarters(quarters)
    labels = {(y, n): (quarter_bounds(y, n)[1], quarter_label(y, n)) for y, n in quarters}
    reported = {key: _("No thought report handed in for %(quarter)s.", quarter=label) for key, (_l, label) in labels.items()}
    # The translated text once; the contact's name put in per row.
    assessed = _("No quarterly assessment for %(quarter)s by the training contact %(contact)s.")
    found: list[Finding] = []
    for row in db.session.execute(_missing_reports_stmt(condition, q)):
        key = (row.year, row.quarter)
        found.append(Finding(PersonRef(*row[2:6]), "no_report", None, reported[key], on=labels[key][0]))
    for row in db.session.execute(_missing_assessments_stmt(condition, q)):
        key = (row.year, row.quarter)
        message = assessed % {"quarter": labels[key][1], "contact": row.contact_name}
        found.append(Finding(PersonRef(*row[2:6]), "no_assessment", None, message, on=labels[key][0]))
    found.sort(key=lambda f: (f.on, f.kind))
    return found
