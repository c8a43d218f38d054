"""A person's development at a glance: the steps done, and the next ones with what they still need
and by when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from learnapp.accounts.models import Stage, User
from learnapp.db import db
from learnapp.development.dates import add_months
from learnapp.development.guards import check_requirements, latest
from learnapp.development.models import DevelopmentStep, StepStatus
from learnapp.development.rules import DevelopmentRules, StepRule, current_rules

# Repeatable examinations fall due while the person is at these stages.
REPEATS_AT = {"activist_examined": (Stage.activist,), "probation_examined": (Stage.probationary_member,)}


@dataclass(frozen=True)
class NextStep:
    code: str
    label: str
    unmet: list[str]
    due_by: date | None = None    # a time limit (talk within a month, approval within 3 months, half-yearly)
    earliest: date | None = None  # not before (a year as activist, the end of probation)
    overdue: bool = False


@dataclass
class Timeline:
    done: list[DevelopmentStep]
    next: list[NextStep]
    pending: list[DevelopmentStep] = field(default_factory=list)   # submitted, waiting for the committee
    returned: list[DevelopmentStep] = field(default_factory=list)  # returned by the committee, not submitted again
    stage: Stage | None = None


def _dates(rule: StepRule, steps: list[DevelopmentStep], rules: DevelopmentRules) -> tuple[date | None, date | None]:
    due_by = earliest = None
    for req in rule.requires:
        since = latest(steps, req.since) if req.since else None
        if since is None:
            continue
        limit = add_months(since.done_on, req.args["months"]) if "months" in req.args else None
        if req.kind == "within_months":
            due_by = limit if due_by is None else min(due_by, limit)
        elif req.kind == "after_months":
            earliest = limit if earliest is None else max(earliest, limit)
        elif req.kind == "probation_over":
            from learnapp.development.guards import probation_end

            end = probation_end(steps, rules, req.args["months"])
            earliest = end if earliest is None else max(earliest, end)
    return due_by, earliest


def timeline(person: User, today: date, *, steps: list | None = None, training=None) -> Timeline:
    """The steps done, those waiting for the committee, and the next steps with their unmet
    requirements (as on `today`) and dates. `steps` (every status, in date order) and `training`:
    read ahead for many people (readahead.Files), as the check does."""
    rules = current_rules()
    all_steps = steps if steps is not None else list(db.session.scalars(
        select(DevelopmentStep).where(DevelopmentStep.user_id == person.id)
        .order_by(DevelopmentStep.done_on, DevelopmentStep.id)))
    done = [s for s in all_steps if s.status.counts]
    pending = [s for s in all_steps if s.status == StepStatus.submitted]
    returned = [s for s in all_steps if s.status == StepStatus.returned
                and not any(o.code == s.code and o.id > s.id for o in all_steps)]
    done_codes = {s.code for s in done}
    cancelled = "probation_cancelled" in done_codes and not any(
        s.code == "application" and s.done_on > latest(done, "probation_cancelled").done_on for s in done)
    result: list[NextStep] = []
    for rule in rules.steps:
        if cancelled and rule.code != "archived" or rule.optional:
            continue
        if any(s.code == rule.code for s in pending):
            continue
        due_by, earliest = _dates(rule, done, rules)
        if rule.code in done_codes:
            if not (rule.repeat_months and person.stage in REPEATS_AT.get(rule.code, ())):
                continue
            due_by = add_months(latest(done, rule.code).done_on, rule.repeat_months)
        elif rule.repeat_months:
            if person.stage not in REPEATS_AT.get(rule.code, ()):
                continue
            start = latest(done, rule.prerequisites[0]) if rule.prerequisites else None
            due_by = add_months(start.done_on, rule.repeat_months) if start else None
        if not all(code in done_codes for code in rule.prerequisites):
            continue
        any_step = [r for r in rule.requires if r.kind == "any_step"]
        if any_step and not any(c in done_codes for r in any_step for c in r.args["codes"]):
            continue
        # A full member's file only awaits its archiving, and only when it is the whole file (a
        # long-standing member entered with their stage has nothing left to do).
        if "committee_approval_full" in done_codes and (rule.code != "archived" or "application" not in done_codes):
            continue
        unmet = [str(u) for u in check_requirements(person, rule.code, max(today, earliest or today), steps=done,
                                                    rules=rules, training=training) if u.kind not in ("introducers", "contacts", "vote",
                                                                                   "extension")]
        result.append(NextStep(rule.code, rule.label, unmet, due_by, earliest,
                               overdue=due_by is not None and today > due_by))
    if not done and not pending:
        rule = rules.step("application")
        result = [NextStep(rule.code, rule.label, [])]
    return Timeline(done=done, next=result, pending=pending, returned=returned, stage=person.stage if done else None)
