"""More people with development files, and more branches, for the statement counts of the reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from learnapp.db import db
from learnapp.development.history import record_history
from learnapp.planning import services
from learnapp.security import SYSTEM
from learnapp.yearend import scoring
from tests.helpers import factories
from tests.helpers.development import person_up_to
from tests.helpers.planning import admitted

SCHEME_FILE = Path(__file__).resolve().parents[2] / "content" / "scoring" / "2026.yaml"
# Where each added file stops: every stage, a training class (read from the ledger), an overdue approval.
LAST_STEPS = ("application", "activist_filed", "target_determined", "training_class", "branch_meeting_admission",
              "committee_talk", None)


def load_scheme() -> None:
    scoring.save_scheme(SYSTEM, SCHEME_FILE.read_text(encoding="utf-8"), source_name="test")


def files_in(branches, n: int, prefix: str) -> list:
    """n people with files at every point of the procedure, spread over `branches`; some admitted in 2026."""
    people = []
    for i in range(n):
        branch = branches[i % len(branches)]
        last = LAST_STEPS[i % len(LAST_STEPS)]
        login = f"{prefix}{i}"
        if last is None:
            people.append(admitted(branch, date(2026, 3, 1 + i % 20), login, gender="女" if i % 2 else "男"))
        else:
            person = person_up_to(branch, last, login_id=login)
            if last == "training_class":
                record_history(SYSTEM, person, "branch_committee_review", date(2026, 1, 5), source="site",
                               audit_entry=False)
            people.append(person)
    db.session.flush()
    return people


def more_branches(org, n: int, prefix: str) -> list:
    """n branches under general1 and general2, each with a plan for 2026."""
    made = []
    for i in range(n):
        branch = factories.make_branch(f"{prefix}{i}", org.general1 if i % 2 else org.general2)
        services.set_plan(org.committee_admin, branch, 2026, 1 + i % 3, {"women": 1})
        made.append(branch)
    db.session.flush()
    return made
