"""Contact work's part of the compliance report (development.compliance): for each ended quarter,
the thought reports not handed in and the quarterly assessments a training contact has not written."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import ColumnElement

from learnapp.contactwork import stored
from learnapp.contactwork.reports import quarter_bounds, quarter_label
from learnapp.development.check import Finding, PersonRef


def missing_work(condition: ColumnElement, quarters: list[tuple[int, int]], today: date) -> list[Finding]:
    """Findings "no_report" and "no_assessment" for the people meeting `condition`: one statement
    on the stored rows (contactwork/stored.py), or two on the records for all the quarters."""
    labels = {(y, n): (quarter_bounds(y, n)[1], quarter_label(y, n)) for y, n in quarters}
    reported = {key: _("No thought report handed in for %(quarter)s.", quarter=label) for key, (_l, label) in labels.items()}
    # The translated text once; the contact's name put in per row.
    assessed = _("No quarterly assessment for %(quarter)s by the training contact %(contact)s.")
    found: list[Finding] = []
    # The same order whether the rows are stored or read from the records.
    for row in sorted(stored.rows(condition, quarters), key=lambda r: (r.year, r.quarter, r.contact_id is not None,
                                                                       r.id, r.contact_id or 0)):
        key = (row.year, row.quarter)
        if row.contact_id is None:
            found.append(Finding(PersonRef(*row[2:6]), "no_report", None, reported[key], on=labels[key][0]))
        else:
            message = assessed % {"quarter": labels[key][1], "contact": row.contact_name}
            found.append(Finding(PersonRef(*row[2:6]), "no_assessment", None, message, on=labels[key][0]))
    return found


def count_missing_work(condition: ColumnElement, quarters: list[tuple[int, int]], _today: date) -> list[tuple[int, str, int]]:
    """(branch id, kind, findings) of missing_work, without building the findings."""
    return stored.counts(condition, quarters)
