"""Contact work's part of the compliance report (development.compliance): for each ended quarter,
the thought reports not handed in and the quarterly assessments a training contact has not written."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import aliased

from learnapp.accounts.models import ContactAssignment, User
from learnapp.assessments.models import QUARTERS, Assessment
from learnapp.contactwork.access import REPORTING_STAGES
from learnapp.contactwork.queries import FIRST_QUARTER_GRACE_DAYS, missing_reports_stmt
from learnapp.contactwork.reports import quarter_bounds, quarter_label
from learnapp.db import db
from learnapp.development.check import PERSON_COLUMNS, Finding, PersonRef
from learnapp.development.queries import entered_since


def _missing_assessments_stmt(condition: ColumnElement, year: int, quarter: int):
    """(learner id, name, login ID, branch id, contact name): a contact assigned before the quarter ended to a person who owed
    a report that quarter, with no assessment of theirs for it."""
    last = quarter_bounds(year, quarter)[1]
    since = entered_since(REPORTING_STAGES, "assessed_since")
    contact = aliased(User)
    written = exists().where(Assessment.user_id == User.id, Assessment.year == year,
                             Assessment.period == QUARTERS[quarter - 1],
                             Assessment.assessor_id == ContactAssignment.contact_id)
    return (select(*PERSON_COLUMNS, contact.name.label("contact_name"))
            .join(since, since.c.user_id == User.id)
            .join(ContactAssignment, ContactAssignment.learner_id == User.id)
            .join(contact, contact.id == ContactAssignment.contact_id)
            .where(User.active, User.stage.in_(REPORTING_STAGES), condition, ContactAssignment.active,
                   ContactAssignment.created_at < datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
                   since.c.since <= last - timedelta(days=FIRST_QUARTER_GRACE_DAYS), ~written))


def missing_work(condition: ColumnElement, quarters: list[tuple[int, int]], today: date) -> list[Finding]:
    """Findings "no_report" and "no_assessment" for the people meeting `condition`."""
    found: list[Finding] = []
    for year, quarter in quarters:
        last, label = quarter_bounds(year, quarter)[1], quarter_label(year, quarter)
        message = _("No thought report handed in for %(quarter)s.", quarter=label)
        for row in db.session.execute(missing_reports_stmt(condition, year, quarter)):
            person = PersonRef(row.user_id, row.name, row.login_id, row.branch_id)
            found.append(Finding(person, "no_report", None, message, on=last))
        for row in db.session.execute(_missing_assessments_stmt(condition, year, quarter)):
            found.append(Finding(PersonRef(*row[:4]), "no_assessment", None, _(
                "No quarterly assessment for %(quarter)s by the training contact %(contact)s.", quarter=label,
                contact=row.contact_name), on=last))
    return found
