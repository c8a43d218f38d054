"""The stage derived from the steps, and steps recorded as they happened (no guards).

`users.stage` is written here only: from the latest done step that leads to a stage. History
(a register import, a new person entered with their stage, the old stage_changes rows) is
recorded without the guards, audited, and listed afterwards by `flask development check` where it
breaks today's rules.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import audit, clock
from learnapp.accounts.models import Stage, StageChange, User
from learnapp.db import db
from learnapp.development.models import SOURCES, DevelopmentStep, StepStatus
from learnapp.development.rules import current_rules
from learnapp.development.steps import NO_STAGE, ORDER, SETS_STAGE, STEP_CODES, STEP_FOR_STAGE
from learnapp.errors import DomainError
from learnapp.security import SYSTEM


def derive_stage(person: User) -> Stage | None:
    """The stage the person's done steps lead to: that of the latest (by date, then procedure order)
    step that changes the stage; None when no such step is done, or after a cancellation."""
    steps = db.session.scalars(select(DevelopmentStep).where(
        DevelopmentStep.user_id == person.id, DevelopmentStep.code.in_(tuple(SETS_STAGE)),
        DevelopmentStep.status.in_((StepStatus.recorded, StepStatus.accepted)))).all()
    if not steps:
        return None
    last = max(steps, key=lambda s: (s.done_on, ORDER[s.code], s.id))
    stage = SETS_STAGE[last.code]
    return None if stage == NO_STAGE else stage


def stage_since(person: User) -> date | None:
    """The date of the done step that led to the person's current stage (None: no such step)."""
    steps = db.session.scalars(select(DevelopmentStep).where(
        DevelopmentStep.user_id == person.id, DevelopmentStep.code.in_(tuple(SETS_STAGE)),
        DevelopmentStep.status.in_((StepStatus.recorded, StepStatus.accepted)))).all()
    if not steps:
        return None
    return max(steps, key=lambda s: (s.done_on, ORDER[s.code], s.id)).done_on


def apply_stage(person: User) -> Stage | None:
    """Write the derived stage into users.stage (the column keeps `applicant` when there is none)."""
    db.session.flush()
    # The person's list of steps, if loaded, is read again with the new one in its place.
    db.session.expire(person, ["development_steps"])
    stage = derive_stage(person)
    person.stage = stage or Stage.applicant
    return stage


def _status_for(code: str) -> StepStatus:
    return StepStatus.accepted if current_rules().step(code).committee_decides else StepStatus.recorded


def record_history(actor, person: User, code: str, done_on: date, *, source: str = "register",
                   note: str | None = None, data: dict | None = None, audit_entry: bool = True) -> DevelopmentStep:
    """A step as it happened (register import, migration, a person entered with their stage).

    No guards: history is recorded as it was, and `flask development check` lists what breaks
    today's rules. Audited (unless `audit_entry` is False, for test and demo fixtures that audit
    the person's creation themselves); the stage is derived again."""
    if code not in STEP_CODES:
        raise DomainError(_("Unknown step %(code)s.", code=code), "code")
    if source not in SOURCES:
        raise DomainError(_("Unknown source %(source)s.", source=source), "source")
    if done_on > clock.today():
        raise DomainError(_("The date may not be in the future."), "done_on")
    now = clock.now()
    status = _status_for(code)
    step = DevelopmentStep(user=person, code=code, done_on=done_on, note=(note or "").strip() or None, data=dict(data or {}),
                           status=status, source=source, recorded_by_id=getattr(actor, "id", None), recorded_at=now,
                           decided_by_id=getattr(actor, "id", None) if status == StepStatus.accepted else None,
                           decided_at=now if status == StepStatus.accepted else None)
    db.session.add(step)
    before = person.stage
    apply_stage(person)
    if audit_entry:
        audit.record(actor, "development.history", person, branch=person.branch,
                     summary=f"{person.name}: {code} {done_on.isoformat()} ({source})",
                     after={"code": code, "done_on": done_on, "source": source, "data": step.data, "note": step.note},
                     before={"stage": before}, stage=person.stage)
    db.session.flush()
    return step


def record_stage(actor, person: User, stage: Stage, effective_on: date, *, note: str | None = None,
                 source: str = "site", audit_entry: bool = True) -> DevelopmentStep | None:
    """History given as a stage (a new person, a roster row): the step that stands for it."""
    if person.id is not None and derive_stage(person) == stage:
        return None
    return record_history(actor, person, STEP_FOR_STAGE[stage], effective_on, source=source, note=note,
                          audit_entry=audit_entry)


# What each old stage_changes row implies (the same mapping as the migration that created the
# development tables): the stage's step, and for probationary members the branch meeting too.
def steps_for_stage_change(stage: Stage) -> list[str]:
    codes = [STEP_FOR_STAGE[stage]]
    if stage == Stage.probationary_member:
        codes.insert(0, "branch_meeting_admission")
    return codes


def migrate_stage_changes(actor=SYSTEM) -> int:
    """Steps for stage_changes rows that have none yet (written by old code paths, e.g. bench data);
    idempotent. Returns the number of steps created. The stage is derived again for each person."""
    done = set()
    for data in db.session.scalars(select(DevelopmentStep.data).where(DevelopmentStep.source == "migration")):
        if isinstance(data, dict) and data.get("stage_change_id") is not None:
            done.add(int(data["stage_change_id"]))
    created = 0
    touched: dict[int, User] = {}
    for change in db.session.scalars(select(StageChange).order_by(StageChange.id)):
        if change.id in done:
            continue
        for code in steps_for_stage_change(change.stage):
            db.session.add(DevelopmentStep(
                user_id=change.user_id, code=code, done_on=change.effective_on, note=change.note,
                data={"stage_change_id": change.id}, status=_status_for(code), source="migration",
                recorded_by_id=change.recorded_by_id, recorded_at=change.recorded_at))
            created += 1
        touched[change.user_id] = change.user
    # People without any row of history (inserted directly): their stage field, dated their creation.
    with_steps = select(DevelopmentStep.user_id)
    for person in db.session.scalars(select(User).where(User.id.not_in(with_steps), User.id.not_in(list(touched) or [0]))):
        db.session.add(DevelopmentStep(
            user_id=person.id, code=STEP_FOR_STAGE[person.stage], done_on=person.created_at.date(),
            data={"from_stage_field": True}, status=_status_for(STEP_FOR_STAGE[person.stage]), source="migration",
            recorded_at=clock.now()))
        created += 1
        touched[person.id] = person
    db.session.flush()
    for person in touched.values():
        apply_stage(person)
    if created:
        audit.record(actor, "development.migrate", ("development_steps", None), summary=f"{created} steps",
                     people=len(touched), steps=created)
    db.session.flush()
    return created
