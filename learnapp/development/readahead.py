"""The development files of many people read at once, for the compliance check of a whole scope.

A fixed number of statements whatever the number of people: the people with a file, all their
steps, the people the steps name (introducers, contacts, who recorded or decided an exception, so
that `session.get` and the steps' relationships find them loaded), and the training class of those
whose file has one (ledger lines, activities attended, approved claims), from which
`training(person, since, until)` answers as guards.training_done would.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.development.models import DevelopmentStep, StepStatus
from learnapp.development.queries import DONE
from learnapp.ledger.models import Category, LedgerEntry
from learnapp.ledger.offline_models import Activity, Attendance, Claim, ClaimStatus
from learnapp.ledger.schedule import Schedule

TRAINING_STEP = "training_class"


STEP_FIELDS = ("id", "user_id", "code", "done_on", "data", "status", "exception_reason", "exception_unmet",
               "recorded_by_id", "decided_by_id")


@dataclass(slots=True)
class StepFacts:
    """What the check reads of a step, read as table columns: building thousands of mapped
    instances costs more than checking them."""

    id: int
    user_id: int
    code: str
    done_on: date
    data: dict | None
    status: StepStatus
    exception_reason: str | None
    exception_unmet: list | None
    recorded_by_id: int | None
    decided_by_id: int | None


class Files:
    """people (branch and name order), steps by person, and the training class of each person."""

    def __init__(self, *conditions) -> None:
        scope = select(User.id).where(*conditions)
        with_steps = select(DevelopmentStep.user_id).where(DevelopmentStep.user_id.in_(scope))
        self.people = list(db.session.scalars(select(User).where(User.id.in_(with_steps), *conditions)
                                              .order_by(User.branch_id, User.name, User.id)))
        self.steps: dict[int, list[StepFacts]] = defaultdict(list)
        t = DevelopmentStep.__table__.c
        for row in db.session.execute(select(*(t[name] for name in STEP_FIELDS)).where(t.user_id.in_(scope))
                                      .order_by(t.user_id, t.done_on, t.id)):
            self.steps[row.user_id].append(StepFacts(*row))
        self._load_named()
        trained = (select(DevelopmentStep.user_id).where(DevelopmentStep.code == TRAINING_STEP,
                                                         DevelopmentStep.status.in_(DONE),
                                                         DevelopmentStep.user_id.in_(scope)))
        self._credit: dict[int, list[tuple[date, int]]] = defaultdict(list)
        self._days: dict[int, list[Schedule]] = defaultdict(list)
        self._load_training(trained)

    def _load_named(self) -> None:
        loaded = {p.id for p in self.people}
        wanted: set[int] = set()
        for steps in self.steps.values():
            for step in steps:
                wanted.update(i for i in (step.recorded_by_id, step.decided_by_id) if i)
                data = step.data or {}
                for key in ("introducer_ids", "contact_ids"):
                    ids = data.get(key)
                    if isinstance(ids, list):
                        wanted.update(i for i in ids if isinstance(i, int) and not isinstance(i, bool))
        wanted -= loaded
        # Kept here: the session's identity map holds its objects weakly.
        self.named = list(db.session.scalars(select(User).where(User.id.in_(sorted(wanted))))) if wanted else []

    def _load_training(self, trained) -> None:
        for user_id, day, credit in db.session.execute(
                select(LedgerEntry.user_id, LedgerEntry.occurred_on, func.sum(LedgerEntry.credit_hundredths))
                .where(LedgerEntry.user_id.in_(trained), LedgerEntry.category == Category.training_class)
                .group_by(LedgerEntry.user_id, LedgerEntry.occurred_on)):
            self._credit[user_id].append((day, int(credit or 0)))
        attended = (select(Attendance.user_id, Activity.start_date, Activity.end_date, Activity.start_time,
                           Activity.end_time)
                    .join(Activity, Activity.id == Attendance.activity_id)
                    .where(Attendance.user_id.in_(trained), Attendance.present,
                           Activity.category == Category.training_class, Activity.cancelled.is_(False)))
        claimed = (select(Claim.user_id, Claim.start_date, Claim.end_date, Claim.start_time, Claim.end_time)
                   .where(Claim.user_id.in_(trained), Claim.status == ClaimStatus.approved,
                          Claim.category == Category.training_class))
        for stmt in (attended, claimed):
            for user_id, start, end, start_time, end_time in db.session.execute(stmt):
                self._days[user_id].append(Schedule(start, end, start_time, end_time))

    def training(self, person: User, since: date, until: date) -> tuple[int, int]:
        """(credit in hundredths, days) of training class between two dates, as guards.training_done."""
        credit = sum(c for day, c in self._credit.get(person.id, ()) if since <= day <= until)
        days: set[date] = set()
        for schedule in self._days.get(person.id, ()):
            if schedule.start_date >= since and schedule.end_date <= until:
                days.update(schedule.days())
        return credit, len(days)
