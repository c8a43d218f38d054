"""The register's date columns and the development steps they stand for, as the roster import sees them.

    DATE_STEPS["activist_on"] -> ("activist_determined",)
    stage_from_dates({"activist_on": day}) -> (Stage.activist, day)
    recorded_dates(user) -> {code: {dates}}
    record(actor, user, code, day, note=None, data=None)

The steps belong to learnapp.development, which depends on accounts, not the other way round: the
register package (learnapp.register) installs the functions that read and record them from its
init_app, as the development package does for stage_history.
"""

from __future__ import annotations

from datetime import date

from learnapp.accounts.models import Stage, User

# Register column -> the steps its date stands for (接收为预备党员: the branch meeting and the approval).
DATE_STEPS: dict[str, tuple[str, ...]] = {
    "applied_on": ("application",),
    "activist_on": ("activist_determined",),
    "target_on": ("target_determined",),
    "admitted_on": ("branch_meeting_admission", "committee_approval_admission"),
    "full_on": ("committee_approval_full",),
}
# The stage a date column's step leads to, latest last.
STAGE_OF_DATE: dict[str, Stage] = {
    "applied_on": Stage.applicant,
    "activist_on": Stage.activist,
    "target_on": Stage.development_target,
    "admitted_on": Stage.probationary_member,
    "full_on": Stage.full_member,
}

_impl = None


def install(implementation) -> None:
    """Install the object (module) with recorded_dates(user) and record(actor, user, code, day, *, note, data)."""
    global _impl
    _impl = implementation


def _installed():
    if _impl is None:
        raise RuntimeError("no register steps: create_app() initialises learnapp.register")
    return _impl


def stage_from_dates(dates: dict[str, date]) -> tuple[Stage | None, date | None]:
    """The stage the latest of the register's dates leads to, and that date."""
    for column in reversed(STAGE_OF_DATE):
        if column in dates:
            return STAGE_OF_DATE[column], dates[column]
    return None, None


def recorded_dates(user: User) -> dict[str, set[date]]:
    """The done steps recorded for the person, by code."""
    return _installed().recorded_dates(user)


def record(actor, user: User, code: str, day: date, *, note: str | None = None, data: dict | None = None) -> None:
    """Record one step as it happened (register import): no guards, audited, the stage derived again."""
    _installed().record(actor, user, code, day, note=note, data=data)
