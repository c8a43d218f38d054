"""The register's date columns as development steps, recorded as they happened.

    DATE_STEPS["activist_on"] -> ("activist_determined",)
    recorded_dates(user) -> {code: {dates}}
    record(actor, user, code, day, note=None, data=None)

The one place the register import and export meet the development file, so that the import and
the export agree on which column is which step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from learnapp import audit
from learnapp.accounts.models import Stage, StageChange, User
from learnapp.db import db

# Register column -> the steps its date stands for (接收为预备党员: the branch meeting and the approval).
DATE_STEPS: dict[str, tuple[str, ...]] = {
    "applied_on": ("application",),
    "activist_on": ("activist_determined",),
    "target_on": ("target_determined",),
    "admitted_on": ("branch_meeting_admission", "committee_approval_admission"),
    "full_on": ("committee_approval_full",),
}
# The stage a date column's step leads to, latest last.
STAGE_OF_DATE: dict[str, Stage] = {
    "applied_on": Stage.applicant,
    "activist_on": Stage.activist,
    "target_on": Stage.development_target,
    "admitted_on": Stage.probationary_member,
    "full_on": Stage.full_member,
}
_STAGE_OF_CODE = {codes[-1]: STAGE_OF_DATE[column] for column, codes in DATE_STEPS.items()}


def stage_from_dates(dates: dict[str, date]) -> tuple[Stage | None, date | None]:
    """The stage the latest of the register's dates leads to, and that date."""
    for column in reversed(STAGE_OF_DATE):
        if column in dates:
            return STAGE_OF_DATE[column], dates[column]
    return None, None


def recorded_dates(user: User) -> dict[str, set[date]]:
    """The steps recorded for the person, by code (from the stage history until steps exist)."""
    found: dict[str, set[date]] = {}
    for change in user.stage_changes:
        for code, stage in _STAGE_OF_CODE.items():
            if stage == change.stage:
                found.setdefault(code, set()).add(change.effective_on)
    return found


def record(actor, user: User, code: str, day: date, *, note: str | None = None, data: dict | None = None) -> None:
    """Record one step as it happened (register import): no guards, audited."""
    stage = _STAGE_OF_CODE.get(code)
    if stage is None:
        return  # the stage history has no place for the first of two steps or for introducers
    if any(c.stage == stage and c.effective_on == day for c in user.stage_changes):
        return
    change = StageChange(user=user, stage=stage, effective_on=day, recorded_by_id=getattr(actor, "id", None), note=note)
    db.session.add(change)
    db.session.flush()
    db.session.refresh(user, ["stage_changes"])
    before = user.stage
    latest = max(user.stage_changes, key=lambda c: (c.effective_on, c.stage.rank))
    user.stage = latest.stage
    audit.record(actor, "user.stage", user, branch=user.branch, summary=f"{user.name}: {before.value} → {user.stage.value}",
                 before={"stage": before}, after={"stage": user.stage, "effective_on": day}, note=note, source="register")


def dates_by_column(people: list[User]) -> dict[int, dict[str, date]]:
    """Each person's register dates by date column (the latest step's date when the column has two)."""
    found: dict[int, dict[str, date]] = {}
    for person in people:
        recorded = recorded_dates(person)
        for column, codes in DATE_STEPS.items():
            days = recorded.get(codes[-1])
            if days:
                found.setdefault(person.id, {})[column] = max(days)
    return found


def introducer_names(people: list[User]) -> dict[int, list[str]]:
    """Each person's introducers (入党介绍人) by name; the stage history records none."""
    return {}


@dataclass(frozen=True)
class Filing:
    user_id: int
    code: str  # activist_filed or target_filed
    done_on: date
    status: str  # submitted or accepted
    decided_on: date | None
    note: str | None


def filings(user_ids: list[int], start: date, end: date) -> list[Filing]:
    """The activist and target filings (备案) of these people dated in [start, end], submitted or accepted.

    The stage history has no filings: empty until the development steps exist.
    """
    return []
