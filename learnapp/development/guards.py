"""The requirements of each step (from the rules in force), checked against a person's file.

`unmet(...)` lists every requirement a step would not meet on a date; each message names the rule
it comes from. The services refuse a step with all of them (StepRefused); the compliance check
re-reads them for steps already recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from learnapp.accounts.models import Stage, User
from learnapp.db import db
from learnapp.development.dates import add_months
from learnapp.development.models import DevelopmentStep
from learnapp.development.rules import DevelopmentRules, StepRule, current_rules
from learnapp.development.rules_file import Requirement
from learnapp.development.steps import VOTE_FIELDS
from learnapp.ledger.models import Category, LedgerEntry
from learnapp.ledger.offline_models import Activity, Attendance, Claim, ClaimStatus


@dataclass(frozen=True)
class Unmet:
    """One requirement not met: its kind (for the check), the message and where the rule comes from."""

    kind: str
    message: str
    citation: str
    missing_step: bool = False  # the requirement is a whole earlier step not recorded at all

    def __str__(self) -> str:
        return _("%(message)s (%(citation)s)", message=self.message, citation=self.citation)


def done_steps(person: User) -> list[DevelopmentStep]:
    """The person's steps that count (recorded or accepted), in date order."""
    return list(db.session.scalars(
        select(DevelopmentStep).where(DevelopmentStep.user_id == person.id,
                                      DevelopmentStep.status.in_(("recorded", "accepted")))
        .order_by(DevelopmentStep.done_on, DevelopmentStep.id)))


def latest(steps: list[DevelopmentStep], code: str, on_or_before: date | None = None) -> DevelopmentStep | None:
    """The latest done step with `code` (dated on or before the day when given)."""
    found = None
    for step in steps:
        if step.code == code and (on_or_before is None or step.done_on <= on_or_before):
            found = step
    return found


def label(rules: DevelopmentRules, code: str) -> str:
    return rules.step(code).label


def probation_end(steps: list[DevelopmentStep], rules: DevelopmentRules, months: int | None = None) -> date | None:
    """When the probation ends: the admission meeting + the probation, plus each accepted extension."""
    meeting = latest(steps, "branch_meeting_admission")
    if meeting is None:
        return None
    months = rules.parameters["probation_months"] if months is None else months
    extended = sum(int((s.data or {}).get("months") or 0) for s in steps
                   if s.code == "probation_extended" and s.done_on >= meeting.done_on)
    return add_months(meeting.done_on, months + extended)


def training_done(person: User, since: date, until: date) -> tuple[int, int]:
    """(credit in hundredths, days) of training class in the ledger between two dates.

    The credit is the sum of the person's ledger lines of the training-class category (reversals
    included, so a corrected attendance no longer counts); the days are those of the training-class
    activities attended and of approved training-class claims."""
    credit = db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.credit_hundredths), 0)).where(
            LedgerEntry.user_id == person.id, LedgerEntry.category == Category.training_class,
            LedgerEntry.occurred_on >= since, LedgerEntry.occurred_on <= until)) or 0
    days: set[date] = set()
    activities = db.session.scalars(
        select(Activity).join(Attendance, Attendance.activity_id == Activity.id).where(
            Attendance.user_id == person.id, Attendance.present, Activity.category == Category.training_class,
            Activity.cancelled.is_(False), Activity.start_date >= since, Activity.end_date <= until))
    claims = db.session.scalars(select(Claim).where(
        Claim.user_id == person.id, Claim.status == ClaimStatus.approved, Claim.category == Category.training_class,
        Claim.start_date >= since, Claim.end_date <= until))
    for item in (*activities, *claims):
        days.update(item.schedule.days())
    return int(credit), len(days)


def data_problems(rule: StepRule, data: dict) -> list[tuple[str, str]]:
    """What is missing or wrong in the facts a step carries (not overridable: the facts are needed)."""
    problems = []
    for name, kind in rule.data.items():
        value = data.get(name)
        field = f"data.{name}"
        if value is None or value == "" or value == []:
            problems.append((field, _("%(field)s is required for this step.", field=name)))
        elif isinstance(kind, tuple):
            if value not in kind:
                problems.append((field, _("%(field)s must be one of: %(choices)s", field=name, choices=", ".join(kind))))
        elif kind == "count":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append((field, _("%(field)s must be a whole number of at least 0.", field=name)))
        elif kind == "people":
            if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                problems.append((field, _("%(field)s must be a list of people.", field=name)))
    if set(VOTE_FIELDS) <= set(rule.data) and not problems:
        counted = data["votes_for"] + data["votes_against"] + data["abstentions"]
        if data["members_present"] > data["members_entitled"]:
            problems.append(("data.members_present", _("More members present than entitled to vote.")))
        if counted > data["members_present"]:
            problems.append(("data.votes_for", _("More votes than members present.")))
    return problems


def _people_stage_problems(person: User, ids: list[int], what: str) -> list[str]:
    messages = []
    for user_id in dict.fromkeys(ids):
        other = db.session.get(User, user_id)
        if other is None:
            messages.append(_("%(what)s: no person with id %(id)d.", what=what, id=user_id))
        elif other.id == person.id:
            messages.append(_("%(what)s: the person cannot be their own.", what=what))
        elif other.stage != Stage.full_member or not other.active:
            messages.append(_("%(what)s: %(name)s is not an active full member.", what=what, name=other.name))
    return messages


def _check(req: Requirement, person: User, rule: StepRule, day: date, data: dict,
           steps: list[DevelopmentStep], rules: DevelopmentRules, training=training_done) -> list[Unmet]:
    args, cite = req.args, req.citation
    out: list[Unmet] = []

    def fail(message: str, missing_step: bool = False) -> None:
        out.append(Unmet(req.kind, message, cite, missing_step))

    if req.kind == "step":
        earlier = latest(steps, args["code"])
        if earlier is None:
            fail(_("%(step)s is not recorded.", step=label(rules, args["code"])), True)
        elif earlier.done_on > day:
            fail(_("%(step)s is dated %(date)s, after this step (%(day)s).", step=label(rules, args["code"]),
                   date=earlier.done_on.isoformat(), day=day.isoformat()))
    elif req.kind == "min_age":
        # Known only when the register gave a birth date (or year and month: the 1st is taken, so
        # a person born that month is never refused wrongly).
        born = person.birth_date
        if born is not None and add_months(born, 12 * args["years"]) > day:
            fail(_("Born on %(born)s: not yet %(years)d years old on %(day)s.", born=born.isoformat(),
                   years=args["years"], day=day.isoformat()))
    elif req.kind == "any_step":
        if not any(latest(steps, code, day) for code in args["codes"]):
            fail(_("One of these is needed first: %(steps)s.", steps="、".join(label(rules, c) for c in args["codes"])), True)
    elif req.kind in ("after_months", "within_months"):
        since = latest(steps, args["since"], day)
        if since is not None:
            limit = add_months(since.done_on, args["months"])
            if req.kind == "after_months" and day < limit:
                fail(_("%(step)s on %(since)s: only %(days)d days before %(day)s; at least %(months)d months are "
                       "required (from %(earliest)s).", step=label(rules, args["since"]), since=since.done_on.isoformat(),
                       days=(day - since.done_on).days, day=day.isoformat(), months=args["months"],
                       earliest=limit.isoformat()))
            if req.kind == "within_months" and day > limit:
                fail(_("%(step)s on %(since)s: this step was due within %(months)d months, by %(due)s.",
                       step=label(rules, args["since"]), since=since.done_on.isoformat(), months=args["months"],
                       due=limit.isoformat()))
    elif req.kind == "training":
        since = latest(steps, args["since"], day)
        if since is not None:
            credit, days = training(person, since.done_on, day)
            if days < args["days"] and credit < args["hours"] * 100:
                fail(_("Training class in the ledger since %(since)s: %(days)d days and %(hours)s study hours; at least "
                       "%(min_days)d days or %(min_hours)d study hours are required.", since=since.done_on.isoformat(),
                       days=days, hours=format(credit / 100, "g"), min_days=args["days"], min_hours=args["hours"]))
    elif req.kind == "introducers":
        ids = data.get("introducer_ids") or []
        if len(set(ids)) != args["count"]:
            fail(_("%(count)d introducers are required; %(given)d given.", count=args["count"], given=len(set(ids))))
        for message in _people_stage_problems(person, ids, _("Introducer")):
            fail(message)
    elif req.kind == "contacts":
        ids = data.get("contact_ids") or []
        if not args["min"] <= len(set(ids)) <= args["max"]:
            fail(_("%(min)d to %(max)d training contacts are required; %(given)d given.", min=args["min"],
                   max=args["max"], given=len(set(ids))))
        for message in _people_stage_problems(person, ids, _("Training contact")):
            fail(message)
    elif req.kind == "review":
        review = latest(steps, "political_review", day)
        if review is None:
            fail(_("No political review is recorded."), True)
        elif (review.data or {}).get("conclusion") != "qualified":
            fail(_("The political review of %(date)s did not conclude qualified.", date=review.done_on.isoformat()))
    elif req.kind == "vote":
        entitled, present, votes_for = (int(data.get(k) or 0) for k in ("members_entitled", "members_present", "votes_for"))
        if present * 2 <= entitled:
            fail(_("%(present)d of %(entitled)d members entitled to vote were present; more than half must be present.",
                   present=present, entitled=entitled))
        if votes_for * 2 <= entitled:
            fail(_("%(votes)d votes for, of %(entitled)d members entitled to vote; more than half (at least %(needed)d) "
                   "are required.", votes=votes_for, entitled=entitled, needed=entitled // 2 + 1))
    elif req.kind == "probation_over":
        end = probation_end([s for s in steps if s.done_on <= day], rules, args["months"])
        if end is not None and day < end:
            fail(_("The probation runs until %(end)s (%(months)d months from the branch meeting, extensions included).",
                   end=end.isoformat(), months=args["months"]))
    elif req.kind == "extension":
        months = data.get("months")
        if isinstance(months, int) and not args["min"] <= months <= args["max"]:
            fail(_("The probation is extended by %(min)d to %(max)d months; %(months)d given.", min=args["min"],
                   max=args["max"], months=months))
        earlier = [s for s in steps if s.code == "probation_extended"]
        if len(earlier) >= args["times"]:
            fail(_("The probation was already extended (%(date)s); it may be extended at most %(times)d times.",
                   date=earlier[-1].done_on.isoformat(), times=args["times"]))
    elif req.kind == "at_stage":
        if person.stage != args["stage"]:
            fail(_("The person is %(stage)s; this step is for a %(needed)s.", stage=person.stage.label,
                   needed=args["stage"].label))
    return out


def check_requirements(person: User, code: str, day: date, *, data: dict | None = None,
                       steps: list[DevelopmentStep] | None = None, rules: DevelopmentRules | None = None,
                       exclude_id: int | None = None, training=None) -> list[Unmet]:
    """Every requirement of step `code` on `day` that the person's file does not meet. `training`:
    (person, since, until) -> (credit, days) as training_done, read ahead for many people."""
    rules = rules or current_rules()
    rule = rules.step(code)
    steps = done_steps(person) if steps is None else steps
    steps = [s for s in steps if s.id != exclude_id or exclude_id is None]
    out: list[Unmet] = []
    for req in rule.requires:
        out.extend(_check(req, person, rule, day, data or {}, steps, rules, training or training_done))
    return out


def unmet_requirements(person: User, code: str, day: date, *, data: dict | None = None,
                       rules: DevelopmentRules | None = None) -> list[str]:
    """The messages (in the reader's language, with the rule's source) of every unmet requirement."""
    return [str(u) for u in check_requirements(person, code, day, data=data, rules=rules)]
