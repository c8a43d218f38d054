"""Reads on people's development files that other domains build on (contact work, reports)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Subquery, func, select

from learnapp.accounts.models import Stage
from learnapp.development.models import DevelopmentStep, StepStatus
from learnapp.development.steps import SETS_STAGE

DONE = (StepStatus.recorded, StepStatus.accepted)


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
