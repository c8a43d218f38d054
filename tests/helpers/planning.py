"""People whose development files count in a plan year, built from dated history steps."""

from __future__ import annotations

from datetime import date

from learnapp.db import db
from learnapp.development.history import record_history
from learnapp.security import SYSTEM
from tests.helpers.development import person_up_to


def admitted(branch, on: date, login_id: str, **fields):
    """A person admitted as probationary member on `on` (the file up to the committee's talk, then the approval)."""
    person = person_up_to(branch, "committee_talk", login_id=login_id)
    record_history(SYSTEM, person, "committee_approval_admission", on, source="site", audit_entry=False)
    for name, value in fields.items():
        setattr(person, name, value)
    db.session.flush()
    return person
