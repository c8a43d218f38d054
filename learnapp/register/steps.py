"""The development steps as the register reads and writes them (installed into accounts.register_history).

    recorded_dates(user) / record(actor, user, code, day, note=, data=)    for the roster import
    dates_by_column(people) / introducer_names(people) / filings(...)       for the exports
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from learnapp.accounts.models import User
from learnapp.accounts.register_history import DATE_STEPS
from learnapp.clock import to_local
from learnapp.db import db
from learnapp.development.history import record_history
from learnapp.development.models import DevelopmentStep, StepStatus

FILED = ("activist_filed", "target_filed")


def _done_steps(user_ids: list[int], codes: tuple[str, ...] | None = None) -> list[DevelopmentStep]:
    if not user_ids:
        return []
    stmt = select(DevelopmentStep).where(DevelopmentStep.user_id.in_(user_ids),
                                         DevelopmentStep.status.in_((StepStatus.recorded, StepStatus.accepted)))
    if codes is not None:
        stmt = stmt.where(DevelopmentStep.code.in_(codes))
    return list(db.session.scalars(stmt.order_by(DevelopmentStep.done_on, DevelopmentStep.id)))


def recorded_dates(user: User) -> dict[str, set[date]]:
    found: dict[str, set[date]] = {}
    if user.id is None:
        return found
    for step in _done_steps([user.id]):
        found.setdefault(step.code, set()).add(step.done_on)
    return found


def record(actor, user: User, code: str, day: date, *, note: str | None = None, data: dict | None = None) -> None:
    record_history(actor, user, code, day, source="register", note=note, data=data)


def dates_by_column(people: list[User]) -> dict[int, dict[str, date]]:
    """Each person's register dates by date column: the latest done step of the column's last code."""
    last_code = {codes[-1]: column for column, codes in DATE_STEPS.items()}
    found: dict[int, dict[str, date]] = {}
    for step in _done_steps([p.id for p in people], tuple(last_code)):
        found.setdefault(step.user_id, {})[last_code[step.code]] = step.done_on  # ordered: the latest wins
    return found


def introducer_names(people: list[User]) -> dict[int, list[str]]:
    """Each person's introducers (入党介绍人) by name, from their latest introducers_assigned step."""
    latest: dict[int, list[int]] = {}
    for step in _done_steps([p.id for p in people], ("introducers_assigned",)):
        latest[step.user_id] = [int(i) for i in (step.data or {}).get("introducer_ids", [])]
    ids = {i for found in latest.values() for i in found}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    return {user_id: [names[i] for i in found if i in names] for user_id, found in latest.items()}


@dataclass(frozen=True)
class Filing:
    user_id: int
    code: str  # activist_filed or target_filed
    done_on: date
    status: str  # submitted or accepted
    decided_on: date | None
    note: str | None


def filings(user_ids: list[int], start: date, end: date) -> list[Filing]:
    """The activist and target filings (备案) of these people dated in [start, end], submitted or accepted."""
    if not user_ids:
        return []
    stmt = (select(DevelopmentStep)
            .where(DevelopmentStep.user_id.in_(user_ids), DevelopmentStep.code.in_(FILED),
                   DevelopmentStep.status.in_((StepStatus.submitted, StepStatus.accepted)),
                   DevelopmentStep.done_on >= start, DevelopmentStep.done_on <= end)
            .order_by(DevelopmentStep.done_on, DevelopmentStep.code, DevelopmentStep.user_id))
    return [Filing(s.user_id, s.code, s.done_on, s.status.value, to_local(s.decided_at).date() if s.decided_at else None, s.note)
            for s in db.session.scalars(stmt)]
