"""Rules on a person's path (applicant → activist → development target → probationary → full member).

The rules warn rather than block: real cases have exceptions (a transfer with records from another
organisation, a correction of a wrong entry). An administrator may record the step anyway with a
reason, and the exception is kept in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from learnapp.accounts.models import Stage, User

# 入党积极分子经过一年以上培养教育和考察, 方可列为发展对象; 预备期为一年.
ACTIVIST_MIN_YEARS = 1
PROBATION_YEARS = 1


@dataclass(frozen=True)
class StageWarning:
    """One rule the step does not meet: a stable code for the audit log and a message for people."""

    code: str
    message: str
    since: date | None = None


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def stage_since(user: User, stage: Stage | None = None) -> date | None:
    """The date of the latest recorded step into `stage` (default: the person's current stage)."""
    stage = stage or user.stage
    for change in reversed(user.stage_changes):
        if change.stage == stage:
            return change.effective_on
    return None


def stage_rule_warnings(user: User, stage: Stage, effective_on: date) -> list[StageWarning]:
    """The rules that moving `user` to `stage` on `effective_on` would not meet (empty: all met)."""
    warnings: list[StageWarning] = []
    current = user.stage
    if stage.rank < current.rank:
        warnings.append(StageWarning("backward", _("This moves the person back from %(current)s to %(stage)s.",
                                                   current=current.label, stage=stage.label)))
    elif stage.rank > current.rank + 1:
        warnings.append(StageWarning("skip", _("This skips a stage: from %(current)s directly to %(stage)s.",
                                               current=current.label, stage=stage.label)))
    if stage == Stage.development_target:
        since = stage_since(user, Stage.activist)
        if since is None:
            warnings.append(StageWarning("activist_year", _("No date as activist is recorded; a development target must have been an activist for at least one year.")))
        elif effective_on < add_years(since, ACTIVIST_MIN_YEARS):
            days = (effective_on - since).days
            warnings.append(StageWarning("activist_year", _(
                "Activist since %(since)s: only %(days)d days before %(date)s; the rule asks for at least one year (from %(earliest)s).",
                since=since.isoformat(), days=days, date=effective_on.isoformat(),
                earliest=add_years(since, ACTIVIST_MIN_YEARS).isoformat()), since))
    if stage == Stage.full_member and current == Stage.probationary_member:
        since = stage_since(user, Stage.probationary_member)
        if since is not None and effective_on < add_years(since, PROBATION_YEARS):
            warnings.append(StageWarning("probation_year", _(
                "Probationary member since %(since)s: the probation of one year ends on %(earliest)s.",
                since=since.isoformat(), earliest=add_years(since, PROBATION_YEARS).isoformat()), since))
    return warnings
