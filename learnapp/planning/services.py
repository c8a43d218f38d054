"""Setting, proposing and approving plans. The committee sets a plan (approved at once); a branch's
admin proposes the plan of a branch they administer and the committee approves it. Each change is
a new version; the plan in force is the latest approved one."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from learnapp import audit, clock
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.org.models import Branch
from learnapp.planning.categories import categories
from learnapp.planning.models import DevelopmentPlan, PlanStatus
from learnapp.security import can_manage_branch, is_committee_admin

MAX_PLANNED = 100_000
YEARS_BACK = 10


def year_range() -> range:
    """The years a plan may be set for: ten back and the next one."""
    today = clock.today()
    return range(today.year - YEARS_BACK, today.year + 2)


def versions(branch: Branch, year: int) -> list[DevelopmentPlan]:
    """Every version of the branch's plan for the year, newest first."""
    return list(db.session.scalars(select(DevelopmentPlan).where(DevelopmentPlan.branch_id == branch.id,
                                                                  DevelopmentPlan.year == year)
                                   .order_by(DevelopmentPlan.version.desc())))


def plan_in_force(branch: Branch, year: int) -> DevelopmentPlan | None:
    return next((p for p in versions(branch, year) if p.status == PlanStatus.approved), None)


def plans_in_force(branch_ids, year: int) -> dict[int, DevelopmentPlan]:
    """branch id -> the latest approved version, for the given branches (one query)."""
    rows = db.session.scalars(select(DevelopmentPlan).where(DevelopmentPlan.branch_id.in_(branch_ids),
                                                            DevelopmentPlan.year == year,
                                                            DevelopmentPlan.status == PlanStatus.approved)
                              .order_by(DevelopmentPlan.version))
    return {p.branch_id: p for p in rows}


def pending_proposals(branch_ids, year: int) -> list[DevelopmentPlan]:
    """Proposals that are the latest version of their plan (not yet approved or superseded)."""
    latest = (select(DevelopmentPlan.branch_id, func.max(DevelopmentPlan.version).label("v"))
              .where(DevelopmentPlan.year == year).group_by(DevelopmentPlan.branch_id).subquery())
    return list(db.session.scalars(
        select(DevelopmentPlan).join(latest, (latest.c.branch_id == DevelopmentPlan.branch_id) & (latest.c.v == DevelopmentPlan.version))
        .where(DevelopmentPlan.year == year, DevelopmentPlan.status == PlanStatus.proposed,
               DevelopmentPlan.branch_id.in_(branch_ids)).order_by(DevelopmentPlan.created_at)))


def _validate(year: int, planned, targets: dict) -> dict:
    problems = []
    if year not in year_range():
        problems.append(("year", _("Choose a year from %(first)d to %(last)d.", first=year_range()[0],
                                   last=year_range()[-1])))
    if planned is None or not 0 <= planned <= MAX_PLANNED:
        problems.append(("planned", _("Give the number to admit, from 0 to %(max)d.", max=MAX_PLANNED)))
    known = {c.code: c for c in categories()}
    clean = {}
    for code, number in (targets or {}).items():
        if code not in known:
            problems.append((f"target_{code}", _("Unknown category: %(code)s.", code=code)))
        elif number is None:
            continue
        elif number < 0 or planned is not None and number > planned:
            problems.append((f"target_{code}", _("%(category)s: give a number from 0 to the number to admit (%(planned)d).",
                                                 category=known[code].label, planned=planned or 0)))
        else:
            clean[code] = int(number)
    if problems:
        raise DomainError(problems)
    return clean


def _new_version(actor, branch: Branch, year: int, planned: int, targets: dict, note: str | None,
                 status: PlanStatus) -> DevelopmentPlan:
    last = db.session.scalar(select(func.max(DevelopmentPlan.version)).where(DevelopmentPlan.branch_id == branch.id,
                                                                               DevelopmentPlan.year == year))
    plan = DevelopmentPlan(branch=branch, year=year, version=(last or 0) + 1, status=status, planned=planned,
                           targets=targets, note=(note or "").strip() or None, created_by_id=actor.id)
    if status == PlanStatus.approved:
        plan.decided_by_id, plan.decided_at = actor.id, clock.now()
    db.session.add(plan)
    db.session.flush()
    return plan


def set_plan(actor, branch: Branch, year: int, planned, targets: dict, note: str | None = None) -> DevelopmentPlan:
    """The committee sets (or changes) a branch's plan: a new version, in force at once."""
    if not is_committee_admin(actor) or not can_manage_branch(actor, branch):
        raise DomainError(_("Only the committee sets development plans."))
    targets = _validate(year, planned, targets)
    before = plan_in_force(branch, year)
    plan = _new_version(actor, branch, year, planned, targets, note, PlanStatus.approved)
    audit.record(actor, "planning.set", plan, branch=branch, summary=f"{branch.name} {year} v{plan.version}",
                 before=before.facts() if before else None, after=plan.facts())
    return plan


def propose_plan(actor, branch: Branch, year: int, planned, targets: dict, note: str | None = None) -> DevelopmentPlan:
    """A branch's admin proposes its plan; the committee approves it before it is in force."""
    if not can_manage_branch(actor, branch):
        raise DomainError(_("You do not administer this branch."))
    targets = _validate(year, planned, targets)
    before = plan_in_force(branch, year)
    plan = _new_version(actor, branch, year, planned, targets, note, PlanStatus.proposed)
    audit.record(actor, "planning.propose", plan, branch=branch, summary=f"{branch.name} {year} v{plan.version}",
                 before=before.facts() if before else None, after=plan.facts())
    return plan


def approve_plan(actor, plan: DevelopmentPlan, note: str | None = None) -> DevelopmentPlan:
    """The committee approves a branch's proposal (the latest version); nobody approves their own."""
    if not is_committee_admin(actor) or not can_manage_branch(actor, plan.branch):
        raise DomainError(_("Only the committee approves development plans."))
    if plan.status != PlanStatus.proposed:
        raise DomainError(_("This version is not a proposal waiting for approval."))
    if plan.created_by_id == actor.id:
        raise DomainError(_("You cannot approve a plan you proposed yourself."))
    if versions(plan.branch, plan.year)[0].id != plan.id:
        raise DomainError(_("A newer version of this plan exists: approve that one."))
    before = plan_in_force(plan.branch, plan.year)
    plan.status, plan.decided_by_id, plan.decided_at = PlanStatus.approved, actor.id, clock.now()
    plan.decision_note = (note or "").strip()[:500] or None
    db.session.flush()
    audit.record(actor, "planning.approve", plan, branch=plan.branch,
                 summary=f"{plan.branch.name} {plan.year} v{plan.version}",
                 before=before.facts() if before else None, after=plan.facts())
    return plan
