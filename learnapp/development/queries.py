"""Reads on people's development files: those other domains build on (contact work, reports) and
those of the domain's pages, each scoped by the actor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Subquery, case, exists, func, select
from sqlalchemy.orm import aliased

from learnapp.accounts.models import Stage, User
from learnapp.db import db
from learnapp.development.models import DevelopmentStep, StepStatus
from learnapp.development.steps import SETS_STAGE
from learnapp.org.models import Branch
from learnapp.security import branch_ids_under, managed_users, read_paths

DONE = (StepStatus.recorded, StepStatus.accepted)
IN_DEVELOPMENT = [s for s in Stage if s != Stage.full_member]
STAGE_ORDER = case({s.value: i for i, s in enumerate(Stage)}, value=User.stage)


def codes_into(stages) -> tuple[str, ...]:
    """The step codes whose being done puts a person into one of `stages`."""
    return tuple(code for code, stage in SETS_STAGE.items() if stage in tuple(stages))


def _first_done(codes):
    return (select(func.min(DevelopmentStep.done_on))
            .where(DevelopmentStep.code.in_(codes), DevelopmentStep.status.in_(DONE)))


def entered_since(stages, name: str = "entered") -> Subquery:
    """Subquery (user_id, since): the first day each person's done steps put them in one of `stages`."""
    return (select(DevelopmentStep.user_id.label("user_id"), func.min(DevelopmentStep.done_on).label("since"))
            .where(DevelopmentStep.code.in_(codes_into(stages)), DevelopmentStep.status.in_(DONE))
            .group_by(DevelopmentStep.user_id).subquery(name))


def entered_on(user_id: ColumnElement, stages):
    """Scalar subquery for the person `user_id` (a column or a value): as entered_since."""
    return _first_done(codes_into(stages)).where(DevelopmentStep.user_id == user_id).scalar_subquery()


def applied_on(user_id: ColumnElement):
    """Scalar subquery: the date of the person's written application (None when not recorded)."""
    return _first_done(codes_into((Stage.applicant,))).where(DevelopmentStep.user_id == user_id).scalar_subquery()


# --- the list of people in development ----------------------------------------------------------

def in_development(actor, branch=None) -> list[ColumnElement[bool]]:
    """Conditions on User: active people on the way to membership in the branches the actor
    administers or audits (within `branch`'s subtree when given)."""
    scope = [User.active, User.branch_id.in_(branch_ids_under(read_paths(actor))), User.stage.in_(IN_DEVELOPMENT)]
    if branch is not None:
        scope.append(User.branch_id.in_(branch_ids_under([branch.path])))
    return scope


def counts_by_stage(scope: list[ColumnElement[bool]]) -> dict:
    """How many people of `scope` (conditions on User) are in each stage."""
    return dict(db.session.execute(select(User.stage, func.count()).where(*scope).group_by(User.stage)).all())


def people_page(scope: list[ColumnElement[bool]], page: int, per_page: int):
    """A page of the people of `scope`, by stage, branch and name (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(select(User).where(*scope).order_by(STAGE_ORDER, User.branch_id, User.name),
                       page=page, per_page=per_page, error_out=False)


def with_waiting_filing(user_ids: list[int]) -> set[int]:
    """Those of these people with a step submitted to the committee and not yet decided."""
    return set(db.session.scalars(select(DevelopmentStep.user_id).where(
        DevelopmentStep.status == StepStatus.submitted, DevelopmentStep.user_id.in_(user_ids))))


# --- recording and filing ------------------------------------------------------------------------

def full_members_to_choose(actor, who: User, scope: Branch) -> list:
    """(id, name, branch name) of the active full members in `scope`'s subtree whom the actor
    administers, `who` excluded; `who`'s own branch first."""
    return db.session.execute(
        select(User.id, User.name, Branch.name).join(Branch, Branch.id == User.branch_id)
        .where(User.stage == Stage.full_member, User.active, User.id != who.id,
               Branch.path.startswith(scope.path, autoescape=True), managed_users(actor))
        .order_by(User.branch_id != who.branch_id, Branch.name, User.name)).all()


def determined_not_filed(actor, code: str, determined_code: str) -> list:
    """(User, their `determined_code` step) of active people the actor administers (not the actor)
    with no `code` step waiting or accepted (a returned one may be filed again), by branch, date of
    the determination and name; a person may come once per such step."""
    determined = aliased(DevelopmentStep)
    filed = aliased(DevelopmentStep)
    return db.session.execute(
        select(User, determined).join(determined, (determined.user_id == User.id) & (determined.code == determined_code))
        .where(managed_users(actor), User.active, User.id != actor.id,
               ~exists().where(filed.user_id == User.id, filed.code == code,
                               filed.status != StepStatus.returned))
        .order_by(User.branch_id, determined.done_on, User.name)).all()


def _of_read_branches(actor):
    """People of the branches the actor administers or audits (not a contact's people elsewhere)."""
    return User.branch_id.in_(branch_ids_under(read_paths(actor)))


def waiting_steps(actor, limit: int) -> list[DevelopmentStep]:
    """Steps submitted to the committee, of the people of the actor's branches, by branch, step and time."""
    return list(db.session.scalars(
        select(DevelopmentStep).join(User, User.id == DevelopmentStep.user_id)
        .where(DevelopmentStep.status == StepStatus.submitted, _of_read_branches(actor))
        .order_by(User.branch_id, DevelopmentStep.code, DevelopmentStep.recorded_at, DevelopmentStep.id)
        .limit(limit)))


def decided_steps(actor, since: datetime, limit: int) -> list[DevelopmentStep]:
    """Steps filed through the site that the committee accepted or returned since `since`, of the
    people of the actor's branches, the latest first."""
    return list(db.session.scalars(
        select(DevelopmentStep).join(User, User.id == DevelopmentStep.user_id)
        .where(DevelopmentStep.status.in_([StepStatus.accepted, StepStatus.returned]),
               DevelopmentStep.source == "site", DevelopmentStep.decided_at >= since, _of_read_branches(actor))
        .order_by(DevelopmentStep.decided_at.desc(), DevelopmentStep.id.desc()).limit(limit)))
