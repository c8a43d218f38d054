"""Building development files for tests: a person with their steps up to a point, dated."""

from __future__ import annotations

from datetime import date

from learnapp.accounts.models import Stage
from learnapp.db import db
from learnapp.development.history import record_history
from learnapp.security import SYSTEM
from tests.helpers import factories

VOTE = {"votes_for": 8, "votes_against": 1, "abstentions": 0, "members_present": 9, "members_entitled": 10}

# A complete, rule-abiding file: (code, date, data), in order.
PATH = [
    ("application", date(2023, 3, 1), {}),
    ("application_talk", date(2023, 3, 20), {}),
    ("activist_recommended", date(2023, 9, 1), {"method": "party_member"}),
    ("activist_determined", date(2023, 9, 10), {}),
    ("activist_filed", date(2023, 9, 20), {}),
    ("contacts_assigned", date(2023, 9, 20), {}),
    ("activist_examined", date(2024, 3, 10), {}),
    ("target_contact_opinion", date(2024, 9, 1), {}),
    ("target_determined", date(2024, 9, 20), {}),
    ("target_filed", date(2024, 10, 1), {}),
    ("introducers_assigned", date(2024, 10, 8), {}),
    ("political_review", date(2024, 11, 1), {"conclusion": "qualified"}),
    ("training_class", date(2024, 11, 20), {}),
    ("branch_committee_review", date(2024, 12, 1), {}),
    ("committee_prereview", date(2024, 12, 10), {}),
    ("application_form", date(2024, 12, 15), {}),
    ("branch_meeting_admission", date(2025, 1, 10), VOTE),
    ("committee_talk", date(2025, 1, 20), {}),
    ("committee_approval_admission", date(2025, 2, 1), {}),
    ("higher_filing", date(2025, 2, 10), {}),
    ("placed_in_group", date(2025, 2, 10), {}),
    ("oath", date(2025, 3, 1), {}),
    ("probation_examined", date(2025, 7, 10), {}),
    ("full_membership_application", date(2025, 12, 20), {}),
    ("branch_meeting_full", date(2026, 1, 12), VOTE),
    ("committee_approval_full", date(2026, 2, 1), {}),
    ("archived", date(2026, 3, 1), {}),
]


def person_up_to(branch, last_code: str | None, *, login_id: str = "dev1", actor=SYSTEM, skip=()):
    """A person whose file holds the PATH steps up to and including `last_code` (recorded as history)."""
    person = factories.make_user(branch, Stage.applicant, login_id=login_id)
    # make_user records the applicant stage today; start from an empty file instead.
    for step in list(person.development_steps):
        db.session.delete(step)
    db.session.flush()
    db.session.expire(person, ["development_steps"])
    if last_code is None:
        return person
    for code, day, data in PATH:
        if code not in skip:
            record_history(actor, person, code, day, source="site", data=data, audit_entry=False)
        if code == last_code:
            break
    return person


def path_date(code: str) -> date:
    return next(day for c, day, _data in PATH if c == code)


def ledger_training(admin, person, start: date = date(2024, 11, 4), days: int = 3):
    """A training class of `days` days (8 学时 each by the default rules) that the person attended."""
    from datetime import time, timedelta

    from learnapp.ledger import activities
    from learnapp.ledger.models import Category
    from learnapp.ledger.schedule import make_schedule

    activity = activities.create_activity(
        admin, branch=person.branch, category=Category.training_class, title="发展对象培训班",
        schedule=make_schedule(start, time(9), time(17), start + timedelta(days=days - 1)), audience=[person.branch],
        stages=[])
    activities.set_attendance(admin, activity, person, True, "roster")
    return activity
