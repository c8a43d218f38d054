"""Demo development files: every developing person of the core demo gets the steps of their path,
dated consistently with their stage dates and the ledger (a training class attended for each
person admitted); one batch 备案 with a returned filing, a pre-review the committee returned, and
one committee exception with its reason. Idempotent: skipped once loaded.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from sqlalchemy import select

from learnapp import clock
from learnapp.accounts.models import Stage, User
from learnapp.db import db
from learnapp.development import services
from learnapp.development.dates import add_months
from learnapp.development.guards import done_steps, latest, unmet_requirements
from learnapp.development.history import record_history
from learnapp.development.models import DevelopmentStep, StepStatus
from learnapp.ledger import activities
from learnapp.ledger.models import Category
from learnapp.ledger.schedule import make_schedule

MARKER = "application_talk"
RETURN_REASON = "推荐材料中缺少群团组织推优意见，请补充后重新报备。"
PREREVIEW_RETURN = "政审函调材料尚未全部返回，请补齐后再报预审。"
EXCEPTION_REASON = "申请人赴新疆对口支援期间由援疆临时党支部谈话，返回后党支部补谈；经党委会研究同意。"


def _vote(entitled: int) -> dict:
    present = entitled - 1
    return {"votes_for": present - 1, "votes_against": 0, "abstentions": 1, "members_present": present,
            "members_entitled": entitled}


class _File:
    """Writes one person's history, never past today."""

    def __init__(self, admin, person: User, today: date):
        self.admin, self.person, self.today = admin, person, today

    def add(self, code: str, day: date, data: dict | None = None, note: str | None = None) -> bool:
        if day > self.today:
            return False
        record_history(self.admin, self.person, code, day, source="register", data=data, note=note, audit_entry=False)
        return True


def _training(admin, person: User, start: date, serial: int) -> None:
    """A three-day training class (24 学时 by the default rules) the person attended."""
    activity = activities.create_activity(
        admin, branch=person.branch, category=Category.training_class, title=f"发展对象集中培训班（第{serial}期）",
        schedule=make_schedule(start, time(9), time(17), start + timedelta(days=2)), place="市委党校",
        organiser="局党委", audience=[person.branch], stages=[])
    activities.set_attendance(admin, activity, person, True, "roster")


def _complete(admin, person: User, helpers: list[User], contact: User | None, today: date, serial: int) -> None:
    """Fill in the steps between the stage dates the register gave (application, activist, …)."""
    steps = done_steps(person)
    f = _File(admin, person, today)
    application = latest(steps, "application")
    activist = latest(steps, "activist_determined")
    target = latest(steps, "target_determined")
    admitted = latest(steps, "committee_approval_admission")
    full = latest(steps, "committee_approval_full")
    entitled = 10
    if application is not None:
        f.add("application_talk", application.done_on + timedelta(days=15), note="支部书记与申请人谈话")
    if activist is None:
        return
    d = activist.done_on
    f.add("activist_recommended", d - timedelta(days=14), {"method": "party_member" if serial % 2 else "mass_organisation"})
    f.add("activist_filed", d + timedelta(days=7))
    if contact is not None:
        f.add("contacts_assigned", d + timedelta(days=7), {"contact_ids": [contact.id]})
    end = target.done_on if target else today
    exam = add_months(d, 6)
    while exam < end - timedelta(days=20):
        f.add("activist_examined", exam, note="半年考察：表现良好")
        exam = add_months(exam, 6)
    if target is None:
        return
    t = target.done_on
    f.add("target_contact_opinion", t - timedelta(days=14), note="培养联系人同意列为发展对象")
    f.add("target_filed", t + timedelta(days=7))
    f.add("introducers_assigned", t + timedelta(days=10), {"introducer_ids": [h.id for h in helpers[:2]]})
    f.add("political_review", t + timedelta(days=30), {"conclusion": "qualified"}, note="本人及直系亲属政审合格")
    if admitted is None:
        return  # still a development target: the training class is the ledger demo's (or still missing)
    _training(admin, person, t + timedelta(days=35), serial)
    f.add("training_class", t + timedelta(days=40))
    f.add("branch_committee_review", t + timedelta(days=50))
    f.add("committee_prereview", t + timedelta(days=60), note="公示5个工作日无异议")
    f.add("application_form", t + timedelta(days=65))
    p = admitted.done_on
    meeting = p - timedelta(days=20)
    f.add("branch_meeting_admission", meeting, _vote(entitled))
    f.add("committee_talk", meeting + timedelta(days=7), note="党委组织委员谈话")
    f.add("higher_filing", p + timedelta(days=5))
    f.add("placed_in_group", p + timedelta(days=3))
    f.add("oath", p + timedelta(days=10), note="七一集中入党宣誓")
    exam = add_months(meeting, 6)
    while exam < min(add_months(meeting, 12), today):
        f.add("probation_examined", exam, note="预备期考察：合格")
        exam = add_months(exam, 6)
    if full is None:
        return
    branch_meeting = max(add_months(meeting, 12), full.done_on - timedelta(days=30))
    f.add("full_membership_application", branch_meeting - timedelta(days=10))
    f.add("branch_meeting_full", branch_meeting, _vote(entitled))
    f.add("archived", full.done_on + timedelta(days=30))


def _stories(ctx, today: date) -> None:
    """The committee's work of the last weeks: a batch 备案 with one filing returned, a returned
    pre-review, and one exception."""
    admin = ctx.admin
    rng = random.Random(16)
    by_branch: dict[int, list[User]] = {}
    for login, person in sorted(ctx.people.items()):
        if login.startswith("u"):
            by_branch.setdefault(person.branch_id, []).append(person)
    secretaries = {p.branch_id: p for login, p in ctx.people.items() if login.startswith("sec")}
    # Batch 备案: the first branch with activists whose filing is not recorded yet.
    for branch_id, people in by_branch.items():
        activists = [p for p in people if p.stage == Stage.activist]
        for person in activists:
            for step in [s for s in done_steps(person) if s.code == "activist_filed"]:
                db.session.delete(step)  # filed through the site below instead of the register
        db.session.flush()
        if len(activists) < 2:
            continue
        day = max(latest(done_steps(p), "activist_determined").done_on for p in activists) + timedelta(days=5)
        filed = services.submit_filing(secretaries[branch_id], activists, "activist_filed", min(day, today),
                                       note="本季度新确定的入党积极分子")
        for n, step in enumerate(filed):
            returned = n == len(filed) - 1 and not any(s.status == StepStatus.returned for s in _returned())
            services.decide_step(admin, step, accept=not returned, reason=RETURN_REASON if returned else None,
                                 decided_on=min(step.done_on + timedelta(days=rng.randint(2, 6)), today))
    # A pre-review returned: a development target of whom the branch asked too early.
    for people in by_branch.values():
        for person in people:
            if person.stage != Stage.development_target or _returned(person_id=person.id):
                continue
            review = latest(done_steps(person), "political_review")
            day = today - timedelta(days=2)
            if review is None or review.done_on > day or unmet_requirements(person, "training_class", day):
                continue
            secretary = secretaries[person.branch_id]
            services.record_step(secretary, person, "training_class", day)
            services.record_step(secretary, person, "branch_committee_review", day + timedelta(days=1))
            pre = services.record_step(secretary, person, "committee_prereview", day + timedelta(days=1))
            services.decide_step(admin, pre, accept=False, reason=PREREVIEW_RETURN)
            break
        else:
            continue
        break
    # One exception: an applicant's talk, late for a reason the committee accepted.
    for people in by_branch.values():
        for person in people:
            application = latest(done_steps(person), "application")
            talk = latest(done_steps(person), "application_talk")
            if person.stage != Stage.applicant or application is None or application.done_on > today - timedelta(days=50):
                continue
            if talk is not None:
                db.session.delete(talk)
                db.session.flush()
            services.record_step(admin, person, "application_talk", application.done_on + timedelta(days=45),
                                 note="党支部补谈", exception_reason=EXCEPTION_REASON)
            return


def _returned(person_id: int | None = None) -> list[DevelopmentStep]:
    query = select(DevelopmentStep).where(DevelopmentStep.status == StepStatus.returned)
    if person_id is not None:
        query = query.where(DevelopmentStep.user_id == person_id)
    return list(db.session.scalars(query))


def load_demo(ctx) -> None:
    """Fill in the development files of the core demo's people (ctx.people by login ID)."""
    if db.session.scalar(select(DevelopmentStep.id).where(DevelopmentStep.code == MARKER).limit(1)):
        return
    today = clock.today()
    logins = sorted(login for login in ctx.people if login.startswith("u"))
    by_branch: dict[int, list[User]] = {}
    for login in logins:
        by_branch.setdefault(ctx.people[login].branch_id, []).append(ctx.people[login])
    secretaries = {p.branch_id: p for login, p in ctx.people.items() if login.startswith("sec")}
    for serial, login in enumerate(logins, start=1):
        person = ctx.people[login]
        members = by_branch[person.branch_id]
        contact = members[0] if members[0].id != person.id else secretaries[person.branch_id]
        others = [m for m in members if m.stage == Stage.full_member and m.id != person.id]
        helpers = [secretaries[person.branch_id], *others[:1]]
        _complete(ctx.admin, person, helpers, contact, today, serial)
    _stories(ctx, today)
    db.session.flush()
