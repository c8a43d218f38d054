"""Writes on the ledger: grant, reverse, manual adjustment, and saving a new version of a year's rules.

Services flush; the caller (view, CLI) commits. Entries are only ever added.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from learnapp import audit, clock
from learnapp.accounts.models import User
from learnapp.db import db, is_postgres
from learnapp.errors import DomainError
from learnapp.ledger import (
    offline_models,  # noqa: F401  (create_all must see the offline tables)
    queries,
    year_totals,
)
from learnapp.ledger.models import (
    ONLINE_VALUES,
    SOURCE_TYPES,
    Category,
    CreditRuleSet,
    LedgerEntry,
    TrainingYear,
)
from learnapp.ledger.rules import CREDIT_RULES, parse_rules, rules_for_year
from learnapp.org import queries as org_queries
from learnapp.security import can_manage_user, is_system, require_actor
from learnapp.versioned_rules import save_version

# Names the PostgreSQL advisory lock that serialises cap checks of one person's grants.
_CAP_LOCK_KEY = 7_150_301
# The largest single entry: 1000 学时. Anything bigger is a mistake, not study.
MAX_ENTRY = 100_000


def is_year_closed(year: int) -> bool:
    return bool(db.session.scalar(select(TrainingYear.closed).where(TrainingYear.year == year)))


def ensure_year_open(year: int, field: str | None = None) -> None:
    """Raise DomainError when the training year is closed (entries then need a reopen first)."""
    stmt = select(TrainingYear.closed).where(TrainingYear.year == year)
    if is_postgres():
        # Hold a share lock so a concurrent year close waits for this transaction.
        stmt = stmt.with_for_update(read=True)
    if db.session.scalar(stmt):
        raise DomainError(_("The %(year)d training year is closed; a committee admin must reopen it first.", year=year), field)


def _lock_person(user_id: int) -> None:
    if is_postgres():
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k, :u)"), {"k": _CAP_LOCK_KEY, "u": user_id})


def _apply_caps(user_id: int, year: int, day: date, category: Category, credit: int) -> int:
    """Cut the credit down to what the year's caps still allow (never below zero)."""
    rules = rules_for_year(year)
    allowed = credit
    cap = rules.category_caps.get(category)
    if cap is not None:
        allowed = min(allowed, cap - queries.category_total(user_id, year, category))
    if category.is_online and rules.daily_online_cap is not None:
        allowed = min(allowed, rules.daily_online_cap - queries.online_credit_on(user_id, day))
    return max(0, allowed)


def grant(actor, user, *, category, credit_hundredths: int, occurred_on: date, source_type: str,
          source_id=None, minutes: int | None = None, reason: str | None = None,
          dedupe_key: str | None = None, allow_future: bool = False, apply_caps: bool = True,
          reverses_id: int | None = None) -> LedgerEntry | None:
    """Append one credit entry. Returns None (and writes nothing) when dedupe_key was already used.

    The year is the year of `occurred_on` (a local date). Raises DomainError when that year is
    closed or the date is in the future. Positive credit is cut to the year's caps (per category
    per year, online per day); the entry then keeps the asked-for credit in `requested_hundredths`.
    `actor`: the person who grants, or SYSTEM (automatic crediting); grant checks no permission (its
    callers do). Safe under concurrency: the unique dedupe_key is inserted in a savepoint, so a
    second concurrent grant fails there and returns None.
    """
    require_actor(actor)
    category = Category(category)
    if source_type not in SOURCE_TYPES:
        raise ValueError(f"unknown source_type {source_type!r}")
    if isinstance(credit_hundredths, bool) or not isinstance(credit_hundredths, int):
        raise TypeError("credit_hundredths must be an int (hundredths of a 学时), never a float")
    if abs(credit_hundredths) > MAX_ENTRY:
        raise DomainError(_("A single entry may not exceed 1000 study hours."), "credit")
    if credit_hundredths < 0 and category not in (Category.adjustment, Category.carry_over) and source_type != "reversal":
        raise DomainError(_("Only adjustments and corrections may be negative."), "credit")
    if minutes is not None and (minutes < 0 or minutes > 31 * 24 * 60):
        raise DomainError(_("The measured minutes are out of range."), "minutes")
    if dedupe_key and db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.dedupe_key == dedupe_key)):
        return None
    year = occurred_on.year
    ensure_year_open(year, "occurred_on")
    if occurred_on > clock.today() and not allow_future:
        raise DomainError(_("The date is in the future."), "occurred_on")
    user_id = user.id if isinstance(user, User) else int(user)
    requested = None
    credit = credit_hundredths
    if apply_caps and credit > 0 and category not in (Category.carry_over, Category.adjustment):
        _lock_person(user_id)
        capped = _apply_caps(user_id, year, occurred_on, category, credit)
        if capped != credit:
            requested, credit = credit, capped
    entry = LedgerEntry(
        user_id=user_id, year=year, occurred_on=occurred_on, category=category, credit_hundredths=credit,
        requested_hundredths=requested, minutes=minutes, source_type=source_type,
        source_id=None if source_id is None else str(source_id), reason=(reason or None),
        created_by_id=getattr(actor, "id", None), created_at=clock.now(), dedupe_key=dedupe_key,
        reverses_id=reverses_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        if dedupe_key and db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.dedupe_key == dedupe_key)):
            return None
        raise
    return entry


def reverse(actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Cancel an entry with a reversing one (same year, negative credit). Each entry at most once."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the correction."), "reason")
    if entry.source_type == "reversal":
        raise DomainError(_("A correction cannot itself be reversed; grant or adjust instead."))
    reversal = grant(actor, entry.user_id, category=entry.category, credit_hundredths=-entry.credit_hundredths,
                     occurred_on=entry.occurred_on, source_type="reversal", source_id=entry.id,
                     minutes=entry.minutes, reason=reason, dedupe_key=f"reversal:{entry.id}",
                     allow_future=True, apply_caps=False, reverses_id=entry.id)
    if reversal is None:
        raise DomainError(_("This entry was already reversed."))
    return reversal


def reverse_entry(actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """An administrator reverses one line of a person's ledger (audited)."""
    user = db.session.get(User, entry.user_id)
    if not can_manage_user(actor, user):
        raise DomainError(_("You may not change this person's record."))
    if not is_system(actor) and actor.id == user.id:
        raise DomainError(_("You cannot correct your own record; ask another administrator."))
    reversal = reverse(actor, entry, reason)
    audit.record(actor, "ledger.reverse", reversal, branch=user.branch,
                 summary=f"{user.name}: {entry.year} {entry.category} {-entry.credit_hundredths / 100:+g}",
                 before={"entry": entry.id, "credit_hundredths": entry.credit_hundredths}, after={"reason": reason})
    return reversal


def adjust(actor, user: User, *, credit_hundredths: int, occurred_on: date, reason: str) -> LedgerEntry:
    """A manual adjustment by an administrator of the person's branch: reason required, audited."""
    if not can_manage_user(actor, user):
        raise DomainError(_("You may not change this person's record."))
    if not is_system(actor) and actor.id == user.id:
        raise DomainError(_("You cannot correct your own record; ask another administrator."))
    reason = (reason or "").strip()
    reasons = []
    if not reason:
        reasons.append(("reason", _("Give the reason for the adjustment.")))
    if credit_hundredths == 0:
        reasons.append(("credit", _("Enter a credit other than zero.")))
    if reasons:
        raise DomainError(reasons)
    entry = grant(actor, user, category=Category.adjustment, credit_hundredths=credit_hundredths,
                  occurred_on=occurred_on, source_type="adjustment", reason=reason)
    audit.record(actor, "ledger.adjust", entry, branch=user.branch,
                 summary=f"{user.name}: {occurred_on.year} {credit_hundredths / 100:+g}",
                 after={"user": user.login_id, "credit_hundredths": credit_hundredths, "occurred_on": occurred_on,
                        "reason": reason})
    return entry


def rebuild_year_totals(actor, year: int | None = None) -> int:
    """Rebuild the stored per-person totals (of one year, or all) from the entries, audited; returns
    how many rows were wrong. For a repair after tampering or a failed migration: the triggers keep
    the table right otherwise."""
    if is_postgres():
        # No entry may be added between the sums and the rewrite (SQLite: the CLI's write lock does it).
        db.session.execute(text("LOCK TABLE ledger_entries IN SHARE MODE"))
    wrong = queries.totals_differences(year)
    statements = year_totals.rebuild_statements(ONLINE_VALUES, year)
    for statement in statements:
        db.session.execute(text(statement))
    audit.record(actor, "ledger.totals.rebuild", ("ledger_year_totals", year if year is not None else "all"),
                 branch=org_queries.committee(), summary=f"{year or 'all years'}: {len(wrong)} row(s) corrected",
                 before={"wrong": [{"login_id": r.login_id, "year": r.year, "total": r.stored_total,
                                    "entries": r.stored_entries} for r in wrong[:100]]},
                 after={"year": year, "corrected": len(wrong)})
    return len(wrong)


# --- rules -----------------------------------------------------------------------------------

def save_rules(actor, source_text: str, *, source_name: str, note: str | None = None,
               expected_year: int | None = None) -> CreditRuleSet | None:
    """Store a new version of a year's rules; None when the text equals the version in force.

    Raises DomainError (field "source_text") listing each problem with its line. Changing rules
    never touches entries already granted: they keep the credit they were given.
    """
    return save_version(CREDIT_RULES, actor, source_text,
                        lambda text: parse_rules(text, expected_year=expected_year, source=source_name),
                        source_name=source_name, note=note)
