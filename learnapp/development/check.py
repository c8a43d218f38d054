"""The compliance check of development files: what breaks the rules, and every committee exception.

Used by `flask development check` and meant for the compliance report. Each done step is checked
again against the rules in force. History (register import, migration) is recorded without guards,
so it is checked here; a missing earlier step counts only in files that start with the
application (the files of long-standing or transferred members, entered with their stage, are
partial by nature).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select

from learnapp.accounts.models import Stage, User
from learnapp.db import db
from learnapp.development.dates import add_months
from learnapp.development.guards import check_requirements, latest, probation_end
from learnapp.development.models import DevelopmentStep, StepStatus
from learnapp.development.readahead import Files
from learnapp.development.rules import DevelopmentRules, current_rules
from learnapp.development.steps import VOTE_FIELDS

ADMITTED = ("branch_committee_review", "branch_meeting_admission", "committee_approval_admission")


class PersonRef(NamedTuple):
    """Who a finding is about, as the reports show them: read as columns, not a mapped User (a report
    of thousands of findings would build thousands of them)."""

    id: int
    name: str
    login_id: str
    branch_id: int


PERSON_COLUMNS = (User.id, User.name, User.login_id, User.branch_id)


@dataclass(frozen=True)
class Finding:
    person: User | PersonRef  # a User from the check, a PersonRef from the stored findings and the sources
    kind: str        # "rule" (a step breaks a rule), "missing", "overdue" or "exception"
    code: str | None  # the step it is about
    message: str
    step_id: int | None = None
    on: date | None = None  # the day it is about: the step's date, or the date a thing fell due
    due: bool = False  # a finding only once today is past `on` (a time limit); the others hold whatever the day
    ref: int | None = None  # the stored finding's id (stored.read without messages: stored.with_messages fills them)


def _data_present(kind: str, data: dict) -> bool:
    if kind == "introducers":
        return "introducer_ids" in data
    if kind == "contacts":
        return "contact_ids" in data
    if kind == "vote":
        return all(k in data for k in VOTE_FIELDS)
    if kind == "extension":
        return "months" in data
    return True


def _step_findings(person: User, step: DevelopmentStep, done: list[DevelopmentStep], rules: DevelopmentRules,
                   complete_file: bool, training=None) -> list[Finding]:
    """The rules a done step breaks. A step recorded in the site passed the guards (or is an
    exception, listed apart), so in practice this finds history that breaks them."""
    rule = rules.step(step.code)
    out = []
    for unmet in check_requirements(person, step.code, step.done_on, data=step.data or {}, steps=done, rules=rules,
                                    exclude_id=step.id, training=training):
        if unmet.kind == "at_stage" or not _data_present(unmet.kind, step.data or {}):
            continue  # the stage at the time is not known again; history may come without the facts
        if unmet.missing_step and not complete_file:
            continue
        out.append(Finding(person, "rule", step.code, _("%(step)s on %(date)s: %(problem)s", step=rule.label,
                                                         date=step.done_on.isoformat(), problem=str(unmet)), step.id, step.done_on))
    return out


def person_findings(person: User, today: date, rules: DevelopmentRules | None = None, *,
                    steps: list[DevelopmentStep] | None = None, training=None) -> list[Finding]:
    """What the person's file breaks, as of `today` (`steps`, `training`: read ahead, see readahead.Files)."""
    return [f for f in file_findings(person, rules, steps=steps, training=training) if not f.due or today > f.on]


def file_findings(person: User, rules: DevelopmentRules | None = None, *,
                  steps: list[DevelopmentStep] | None = None, training=None) -> list[Finding]:
    """Every finding the person's file holds, those that wait for a time limit included (`due`):
    what the stored findings keep (stored.py); `person_findings` keeps those of a day."""
    rules = rules or current_rules()
    if steps is None:
        steps = list(db.session.scalars(select(DevelopmentStep).where(DevelopmentStep.user_id == person.id)
                                        .order_by(DevelopmentStep.done_on, DevelopmentStep.id)))
    done = [s for s in steps if s.status.counts]
    codes = {s.code for s in done}
    complete_file = "application" in codes
    out: list[Finding] = []
    for step in done:
        if step.exception_reason:
            recorder_id = (step.decided_by_id if step.status == StepStatus.accepted and step.decided_by_id
                           else step.recorded_by_id)
            recorder = db.session.get(User, recorder_id) if recorder_id else None
            out.append(Finding(person, "exception", step.code, _(
                "Committee exception: %(step)s on %(date)s recorded by %(who)s although: %(unmet)s — reason: %(reason)s",
                step=rules.step(step.code).label, date=step.done_on.isoformat(), who=recorder.name if recorder else "—",
                unmet="；".join(step.exception_unmet or []), reason=step.exception_reason), step.id, step.done_on))
        else:
            out.extend(_step_findings(person, step, done, rules, complete_file, training))
    application = latest(done, "application")
    if application is not None and "application_talk" not in codes:
        due = add_months(application.done_on, rules.parameters["talk_within_months"])
        out.append(Finding(person, "missing", "application_talk", _(
            "No talk recorded after the application of %(date)s (due by %(due)s).",
            date=application.done_on.isoformat(), due=due.isoformat()), on=due, due=True))
    if "target_determined" in codes and "training_class" not in codes and codes & set(ADMITTED):
        admitted = min(s.done_on for s in done if s.code in ADMITTED)
        out.append(Finding(person, "missing", "training_class", _(
            "Admitted as a development target without the concentrated training class."), on=admitted))
    end = probation_end(done, rules)
    decided = codes & {"committee_approval_full", "probation_cancelled"}
    if person.stage == Stage.probationary_member and end is not None and not decided:
        out.append(Finding(person, "overdue", "committee_approval_full", _(
            "The probation ended on %(end)s and no decision is recorded.", end=end.isoformat()), on=end, due=True))
    for meeting_code, approval_code in (("branch_meeting_admission", "committee_approval_admission"),
                                        ("branch_meeting_full", "committee_approval_full")):
        meeting = latest(done, meeting_code)
        if meeting is None or any(s.code == approval_code and s.done_on >= meeting.done_on for s in done):
            continue
        limit = add_months(meeting.done_on, rules.parameters["approval_within_months"])
        out.append(Finding(person, "overdue", approval_code, _(
            "%(step)s is past its time limit: the branch meeting was on %(date)s, the approval was due by %(due)s.",
            step=rules.step(approval_code).label, date=meeting.done_on.isoformat(), due=limit.isoformat()), on=limit,
            due=True))
    seen, unique = set(), []
    for finding in out:
        if finding.message not in seen:
            seen.add(finding.message)
            unique.append(finding)
    return unique


def check_people(people, today: date) -> list[Finding]:
    rules = current_rules()
    return [f for person in people for f in person_findings(person, today, rules)]


def check_all(today: date, *conditions) -> list[Finding]:
    """Findings for every person with a development file (and meeting `conditions` on User, e.g. a
    scope), in branch and name order. The files are read at once (readahead.Files): the number of
    statements does not grow with the number of people."""
    files = Files(*conditions)
    rules = current_rules()
    return [f for person in files.people
            for f in person_findings(person, today, rules, steps=files.steps.get(person.id, []), training=files.training)]
