"""Recording the steps of a person's development, with the rules' guards; committee decisions.

Who records what: branch admins of the person's subtree and committee admins record any step of
people they manage (committee-decided steps: the branch submits, the committee accepts or returns
them; steps the committee takes itself only committee admins); a training contact records the
contact's steps of their learners; the person records their own application and application for
full membership. Nobody else records a step for themselves.

A step whose requirements are unmet is refused with every one of them (StepRefused). A committee
admin may record it anyway with a written exception reason: kept on the step, audited as an
exception, and listed by the compliance check. A branch admin never can.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import audit, clock
from learnapp.accounts import services as accounts_services
from learnapp.accounts.models import ContactAssignment, User
from learnapp.db import db
from learnapp.development.guards import Unmet, check_requirements, data_problems, done_steps
from learnapp.development.history import apply_stage, derive_stage
from learnapp.development.models import DevelopmentStep, StepAttachment, StepStatus
from learnapp.development.rules import StepRule, current_rules
from learnapp.development.steps import STEP_CODES
from learnapp.errors import DomainError
from learnapp.ledger import evidence
from learnapp.notices import kinds as notices_kinds
from learnapp.notices import services as notices
from learnapp.security import can_manage_user, is_committee_admin, is_contact_of, is_system

__all__ = ["StepRefused", "record_step", "decide_step", "submit_filing", "derive_stage", "may_record", "may_decide"]


class StepRefused(DomainError):
    """The step's requirements are not met; `unmet` holds every one (with its rule's source)."""

    def __init__(self, unmet: list[Unmet], prefix: str = ""):
        self.unmet = unmet
        super().__init__([("requirements", f"{prefix}{u}") for u in unmet])


def _committee_admin_of(actor, person: User) -> bool:
    return is_committee_admin(actor) and can_manage_user(actor, person)


def may_record(actor, person: User, rule: StepRule) -> bool:
    """Whether the actor may record (or submit) this step for this person."""
    if is_system(actor) or not getattr(actor, "active", False):
        return False
    if actor.id == person.id:
        return rule.recorded_by == "person"
    if can_manage_user(actor, person):
        return rule.recorded_by != "committee_admin" or is_committee_admin(actor)
    return rule.recorded_by == "contact" and is_contact_of(actor, person)


def may_decide(actor, step: DevelopmentStep) -> bool:
    """Committee admins decide the committee's steps of people they manage, never their own."""
    return not is_system(actor) and actor.id != step.user_id and _committee_admin_of(actor, step.user)


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def _already_done(rule: StepRule, steps: list[DevelopmentStep]) -> DevelopmentStep | None:
    """A done step of the same code that makes a new one pointless (non-repeatable steps), counted
    from the latest cancellation of probation (a person may apply again afterwards)."""
    if rule.repeatable:
        return None
    cancelled = max((s.done_on for s in steps if s.code == "probation_cancelled"), default=None)
    return next((s for s in reversed(steps) if s.code == rule.code
                 and (cancelled is None or s.done_on > cancelled or rule.code == "probation_cancelled")), None)


def _pending(person: User, code: str) -> DevelopmentStep | None:
    return db.session.scalar(select(DevelopmentStep).where(
        DevelopmentStep.user_id == person.id, DevelopmentStep.code == code,
        DevelopmentStep.status == StepStatus.submitted).limit(1))


def _check_step(actor, person: User, code: str, done_on: date, data: dict, exception_reason: str | None,
                *, prefix: str = "") -> tuple[StepRule, list[Unmet]]:
    if code not in STEP_CODES:
        raise DomainError(_("Unknown step %(code)s.", code=code), "code")
    rules = current_rules()
    rule = rules.step(code)
    if not may_record(actor, person, rule):
        raise DomainError(_("You may not record this step for this person."), "code")
    if done_on > clock.today():
        raise DomainError(_("The date may not be in the future."), "done_on")
    problems = data_problems(rule, data)
    if problems:
        raise DomainError([(f, prefix + m) for f, m in problems])
    steps = done_steps(person)
    previous = _already_done(rule, steps)
    if previous is not None:
        raise DomainError(_("%(prefix)s%(step)s is already recorded (%(date)s).", prefix=prefix, step=rule.label,
                            date=previous.done_on.isoformat()), "code")
    if rule.committee_decides and _pending(person, code) is not None:
        raise DomainError(_("%(prefix)s%(step)s is already submitted and waits for the committee.", prefix=prefix,
                            step=rule.label), "code")
    unmet = check_requirements(person, code, done_on, data=data, steps=steps, rules=rules)
    if unmet:
        if exception_reason is None:
            raise StepRefused(unmet, prefix)
        if not _committee_admin_of(actor, person):
            raise DomainError(_("Only a committee admin may record a step as an exception."), "exception_reason")
    return rule, unmet


def _attach(step: DevelopmentStep, files: list[evidence.CheckedFile]) -> list[str]:
    stored = []
    for checked in files:
        name = evidence.store(checked)
        stored.append(name)
        step.attachments.append(StepAttachment(stored_name=name, original_name=checked.original_name,
                                               content_type=checked.content_type, size_bytes=len(checked.data),
                                               sha256=checked.sha256))
    return stored


def _sync_contacts(actor, person: User, contact_ids: list[int]) -> None:
    """Make the person's training-contact assignments those of the step (changes kept as inactive rows)."""
    wanted = list(dict.fromkeys(contact_ids))
    for assignment in db.session.scalars(select(ContactAssignment).where(ContactAssignment.learner_id == person.id,
                                                                         ContactAssignment.active)):
        if assignment.contact_id not in wanted:
            accounts_services.end_contact(actor, assignment)
    active = set(db.session.scalars(select(ContactAssignment.contact_id).where(
        ContactAssignment.learner_id == person.id, ContactAssignment.active)))
    for contact_id in wanted:
        if contact_id not in active:
            accounts_services.assign_contact(actor, db.session.get(User, contact_id), person)


def record_step(actor, person: User, code: str, done_on: date, *, note: str | None = None, data: dict | None = None,
                attachments=(), exception_reason: str | None = None) -> DevelopmentStep:
    """Record a step of the person's development (a committee-decided step: submit it).

    Raises StepRefused naming every unmet requirement unless a committee admin gives an
    `exception_reason`; DomainError for anything else (permission, date, missing facts)."""
    data = dict(data or {})
    exception_reason = _clean(exception_reason)
    rule, unmet = _check_step(actor, person, code, done_on, data, exception_reason)
    files = evidence.check(list(attachments), field="attachments")  # every file checked before anything is written
    committee = _committee_admin_of(actor, person)
    if rule.committee_decides and committee:
        status = StepStatus.accepted  # the committee records its own decision
    elif rule.committee_decides:
        status = StepStatus.submitted
    else:
        status = StepStatus.recorded
    now = clock.now()
    step = DevelopmentStep(user=person, code=code, done_on=done_on, note=_clean(note), data=data, status=status,
                           source="site", recorded_by_id=actor.id, recorded_at=now,
                           decided_by_id=actor.id if status == StepStatus.accepted else None,
                           decided_at=now if status == StepStatus.accepted else None,
                           exception_reason=exception_reason if unmet else None,
                           exception_unmet=[str(u) for u in unmet] or None, rules_version=current_rules().version)
    db.session.add(step)
    if code == "contacts_assigned":
        _sync_contacts(actor, person, data.get("contact_ids") or [])
    before = person.stage
    apply_stage(person)
    # Files last: once stored, only a failing audit append could leave one behind (the caller
    # removes `step.attachments`' stored names when its transaction fails).
    _attach(step, files)
    details = {"after": {"code": code, "done_on": done_on, "status": status, "data": data, "note": step.note},
               "before": {"stage": before}, "stage": person.stage}
    action = "development.submit" if status == StepStatus.submitted else "development.record"
    summary = f"{person.name}: {rule.label_zh} {done_on.isoformat()}"
    if unmet:
        action = "development.exception"
        summary += " (exception)"
        details["exception"] = {"reason": exception_reason, "unmet": [str(u) for u in unmet]}
    audit.record(actor, action, person, branch=person.branch, summary=summary, **details)
    if status != StepStatus.submitted and actor.id != person.id:
        _notify_step(actor, person, rule, "step_recorded", done_on=done_on.isoformat())
    db.session.flush()
    return step


def _notify_step(actor, person: User, rule, kind: str, **params) -> None:
    notices.notify(person, kind, {"step": notices_kinds.both_languages(rule.label_zh, rule.label_en), **params},
                   sender=actor)


def decide_step(actor, step: DevelopmentStep, *, accept: bool, reason: str | None, decided_on: date | None = None,
                exception_reason: str | None = None) -> None:
    """The committee accepts a submitted step (dated the day of the decision) or returns it with a reason.

    An acceptance is checked again on its date (e.g. the approval's time limit); unmet
    requirements refuse it unless an `exception_reason` is given."""
    if not may_decide(actor, step):
        raise DomainError(_("Only a committee admin decides this step, and never for themselves."))
    if step.status != StepStatus.submitted:
        raise DomainError(_("This step is not waiting for a decision."))
    reason, exception_reason = _clean(reason), _clean(exception_reason)
    person = step.user
    rule = current_rules().step(step.code)
    now = clock.now()
    if not accept:
        if not reason:
            raise DomainError(_("Give the reason for returning it."), "reason")
        step.status, step.decided_by_id, step.decided_at, step.decision_note = StepStatus.returned, actor.id, now, reason
        audit.record(actor, "development.return", person, branch=person.branch,
                     summary=f"{person.name}: {rule.label_zh} returned", step_id=step.id, code=step.code, reason=reason)
        _notify_step(actor, person, rule, "step_returned", reason=reason)
        db.session.flush()
        return
    day = decided_on or clock.today()
    if day > clock.today() or day < step.done_on:
        raise DomainError(_("The decision is dated between the submission (%(date)s) and today.",
                            date=step.done_on.isoformat()), "decided_on")
    unmet = check_requirements(person, step.code, day, data=step.data or {}, exclude_id=step.id)
    if unmet and exception_reason is None:
        raise StepRefused(unmet)
    step.data = {**(step.data or {}), "submitted_on": step.done_on.isoformat()}
    step.done_on, step.status = day, StepStatus.accepted
    step.decided_by_id, step.decided_at, step.decision_note = actor.id, now, reason
    if unmet:
        step.exception_reason, step.exception_unmet = exception_reason, [str(u) for u in unmet]
    before = person.stage
    apply_stage(person)
    details = {"step_id": step.id, "code": step.code, "done_on": day, "before": {"stage": before}, "stage": person.stage}
    action, summary = "development.accept", f"{person.name}: {rule.label_zh} accepted"
    _notify_step(actor, person, rule, "step_recorded", done_on=day.isoformat())
    if unmet:
        action, summary = "development.exception", summary + " (exception)"
        details["exception"] = {"reason": exception_reason, "unmet": [str(u) for u in unmet]}
    audit.record(actor, action, person, branch=person.branch, summary=summary, **details)
    db.session.flush()


def submit_filing(actor, people: list[User], code: str, done_on: date | None = None, *,
                  note: str | None = None) -> list[DevelopmentStep]:
    """A branch submits one filing (备案) for many people at once; all or nothing, every refusal named."""
    rules = current_rules()
    if code not in STEP_CODES or not rules.step(code).committee_decides:
        raise DomainError(_("This step is not filed with the committee."), "code")
    if not people:
        raise DomainError(_("Choose at least one person."), "people")
    day = done_on or clock.today()
    reasons: list[tuple[str | None, str]] = []
    for person in people:
        try:
            _check_step(actor, person, code, day, {}, None, prefix=f"{person.name}: ")
        except DomainError as exc:
            reasons.extend(exc.reasons if exc.reasons[0][1].startswith(person.name) else
                           [(f, f"{person.name}: {m}") for f, m in exc.reasons])
    if reasons:
        raise DomainError(reasons)
    return [record_step(actor, person, code, day, note=note) for person in people]
