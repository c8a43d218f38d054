"""Year close: carry-over by the year's rules, then no entry may be added until a reopen (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from learnapp import audit, clock
from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.ledger.models import (
    Category,
    CreditRuleSet,
    LedgerEntry,
    LedgerYearTotal,
    TrainingYear,
)
from learnapp.ledger.rules import rules_for_year
from learnapp.ledger.services import grant, is_year_closed
from learnapp.org import queries as org_queries
from learnapp.security import is_committee_admin, is_system


@dataclass
class CarryLine:
    user: User
    earned: int        # the year's credit without carry-over received from the year before
    requirement: int
    carry: int         # what the rules carry into the next year
    already: int       # what earlier closes of the year already carried

    @property
    def delta(self) -> int:
        return self.carry - self.already


def _require_committee(actor) -> None:
    if not is_system(actor) and not is_committee_admin(actor):
        raise DomainError(_("Only committee admins close and reopen training years."))


def carry_over_plan(year: int) -> list[CarryLine]:
    """What closing the year would carry into the next, person by person (only non-zero lines)."""
    rules = rules_for_year(year)
    earned = dict(db.session.execute(
        select(LedgerEntry.user_id, func.sum(LedgerEntry.credit_hundredths))
        .where(LedgerEntry.year == year, LedgerEntry.category != Category.carry_over)
        .group_by(LedgerEntry.user_id)
    ).all())
    already = dict(db.session.execute(
        select(LedgerEntry.user_id, func.sum(LedgerEntry.credit_hundredths))
        .where(LedgerEntry.year == year + 1, LedgerEntry.category == Category.carry_over,
               LedgerEntry.source_type == "carry_over", LedgerEntry.source_id == str(year))
        .group_by(LedgerEntry.user_id)
    ).all())
    ids = set(already) | {uid for uid, total in earned.items() if total and total > 0}
    if not ids:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(ids)).options(selectinload(User.grants))
                               .order_by(User.branch_id, User.login_id)).all()
    lines = []
    for user in users:
        total = int(earned.get(user.id) or 0)
        requirement = rules.requirement_for(user)
        line = CarryLine(user, total, requirement, rules.carry_over_for(total - requirement), int(already.get(user.id) or 0))
        if line.carry or line.already:
            lines.append(line)
    return lines


def year_state(year: int) -> TrainingYear | None:
    return db.session.get(TrainingYear, year)


def close_year(actor, year: int) -> list[CarryLine]:
    """Close the year: carry excess credit into the next year by the rules, then lock the year."""
    _require_committee(actor)
    if year >= clock.today().year:
        raise DomainError(_("Only a past training year can be closed."), "year")
    state = db.session.execute(select(TrainingYear).where(TrainingYear.year == year).with_for_update()
                               .execution_options(populate_existing=True)).scalar_one_or_none()
    if state is None:
        state = TrainingYear(year=year, closed=False, close_count=0)
        db.session.add(state)
        db.session.flush()
    if state.closed:
        raise DomainError(_("The %(year)d training year is already closed.", year=year), "year")
    lines = carry_over_plan(year)
    changes = [line for line in lines if line.delta]
    if changes and is_year_closed(year + 1):
        raise DomainError(_("Reopen %(next)d first: carry-over goes into it.", next=year + 1), "year")
    run = state.close_count + 1
    # In person order: each grant row-locks the person's ledger_year_totals row (PostgreSQL), so every
    # transaction granting to many people takes those locks in one order and none can deadlock another.
    for line in sorted(changes, key=lambda line: line.user.id):
        grant(actor, line.user, category=Category.carry_over, credit_hundredths=line.delta,
              occurred_on=date(year + 1, 1, 1), source_type="carry_over", source_id=str(year),
              reason=_("Carry-over from %(year)d", year=year), dedupe_key=f"carry:{year}:u{line.user.id}:r{run}",
              allow_future=True, apply_caps=False)
    state.closed = True
    state.close_count = run
    state.closed_at = clock.now()
    state.closed_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "ledger.year_close", ("training_years", year), branch=org_queries.committee(),
                 summary=f"{year}: {len(changes)} carry-over line(s)",
                 after={"year": year, "run": run, "people_carried": len([x for x in lines if x.carry]),
                        "carried_hundredths": sum(x.carry for x in lines)})
    # A year's record is final now: sign the audit chain as it stands (audit/chain.py).
    audit.write_checkpoint(actor, reason="year_close")
    return lines


def reopen_year(actor, year: int, reason: str) -> TrainingYear:
    """Reopen a closed year so corrections can be entered; reason required, audited."""
    _require_committee(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for reopening the year."), "reason")
    state = db.session.execute(select(TrainingYear).where(TrainingYear.year == year).with_for_update()
                               .execution_options(populate_existing=True)).scalar_one_or_none()
    if state is None or not state.closed:
        raise DomainError(_("The %(year)d training year is not closed.", year=year), "year")
    state.closed = False
    state.reopened_at = clock.now()
    state.reopened_by_id = getattr(actor, "id", None)
    state.reopen_reason = reason
    db.session.flush()
    audit.record(actor, "ledger.year_reopen", ("training_years", year), branch=org_queries.committee(),
                 summary=f"{year}: {reason}", after={"year": year, "reason": reason})
    return state


def known_years() -> list[int]:
    """Years with entries, rules or a state, plus the current year, newest first."""
    years = {clock.today().year}
    # The stored totals have a row per person and year with entries: far fewer rows than the entries.
    years.update(y for (y,) in db.session.execute(select(LedgerYearTotal.year).distinct()).all())
    years.update(y for (y,) in db.session.execute(select(CreditRuleSet.year).distinct()).all())
    years.update(y for (y,) in db.session.execute(select(TrainingYear.year)).all())
    return sorted(years, reverse=True)
