"""Reads on the ledger. A person's year totals come from `ledger_year_totals`, which database triggers
keep equal to the sums of the entries (see year_totals.py); everything finer is an SQL aggregate
over the entries."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, bindparam, case, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.ledger.models import ONLINE_CATEGORIES, Category, LedgerEntry, LedgerYearTotal
from learnapp.security import managed_users

_ONLINE = [c.value for c in ONLINE_CATEGORIES]


def _online_sum():
    return func.coalesce(func.sum(case((LedgerEntry.category.in_(_ONLINE), LedgerEntry.credit_hundredths), else_=0)), 0)


def _offline_sum():
    # Everything that is not online study: activities, claims, carry-over and adjustments.
    return func.coalesce(func.sum(case((LedgerEntry.category.in_(_ONLINE), 0), else_=LedgerEntry.credit_hundredths)), 0)


def _online_credit_of(user_id, year, day):
    """The select of a person's online credit on a day. The year is always the year of the day;
    naming it lets the (user, year, day) index seek. (Table columns: no ORM result handling for a
    number.)"""
    return select(func.coalesce(func.sum(_ENTRIES.c.credit_hundredths), 0)).where(
        _ENTRIES.c.user_id == user_id, _ENTRIES.c.year == year, _ENTRIES.c.occurred_on == day,
        _ENTRIES.c.category.in_(_ONLINE),
    )


_ENTRIES = LedgerEntry.__table__
# Built once: every crediting heartbeat asks, and building the select costs several times what
# running it does.
_ONLINE_CREDIT_ON = _online_credit_of(bindparam("user_id"), bindparam("year"), bindparam("day"))


def online_credit_column(user_id_column):
    """`online_credit_on` as a scalar subquery, for the person in `user_id_column` and the day
    given as the parameters `online_day` and `online_year` (its year): for a statement that reads
    the person's row anyway (the heartbeat's)."""
    return _online_credit_of(user_id_column, bindparam("online_year"), bindparam("online_day")).scalar_subquery()


def online_credit_on(user_id: int, day: date) -> int:
    """Hundredths already credited for online study on that local day (for the daily cap)."""
    return db.session.execute(_ONLINE_CREDIT_ON, {"user_id": user_id, "year": day.year, "day": day}).scalar() or 0


def year_total(user_id: int, year: int) -> int:
    """The person's credit in the training year, in hundredths."""
    return db.session.scalar(
        select(LedgerYearTotal.total_hundredths).where(LedgerYearTotal.user_id == user_id, LedgerYearTotal.year == year)
    ) or 0


def category_total(user_id: int, year: int, category: Category) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.credit_hundredths), 0)).where(
            LedgerEntry.user_id == user_id, LedgerEntry.year == year, LedgerEntry.category == category
        )
    ) or 0


def totals_by_user(year: int, user_filter=None) -> Select:
    """select() of (user_id, total, online, offline) per person for the year, in hundredths.

    `user_filter` is an optional condition on `User` (e.g. `security.visible_users(actor)` or
    `User.branch_id.in_(...)`); people without entries do not appear (outer-join User yourself
    to list them with zero). Use it as a subquery: `totals_by_user(2026, f).subquery()`.
    Reads the stored totals: one row per person, no aggregation.
    """
    t = LedgerYearTotal
    stmt = select(
        t.user_id.label("user_id"), t.total_hundredths.label("total"), t.online_hundredths.label("online"),
        t.offline_hundredths.label("offline"),
    ).where(t.year == year)
    if user_filter is not None:
        stmt = stmt.join(User, User.id == t.user_id).where(user_filter)
    return stmt


def summed_totals(year: int | None = None) -> Select:
    """select() of (user_id, year, total, online, offline, entries) summed over the entries themselves:
    what `ledger_year_totals` must hold. Reads every entry of the year: for checks, not for pages."""
    stmt = (
        select(LedgerEntry.user_id.label("user_id"), LedgerEntry.year.label("year"),
               func.sum(LedgerEntry.credit_hundredths).label("total"), _online_sum().label("online"),
               _offline_sum().label("offline"), func.count().label("entries"))
        .group_by(LedgerEntry.user_id, LedgerEntry.year)
    )
    return stmt if year is None else stmt.where(LedgerEntry.year == year)


def totals_differences(year: int | None = None) -> list:
    """People and years whose stored totals differ from the sums of their entries (a missing row on
    either side counts as zeros): rows of login_id, year, then stored and summed total, online,
    offline and entries (`stored_total`, `summed_total`, …). Empty when the triggers did their job."""
    t = LedgerYearTotal
    summed = summed_totals(year).subquery("summed")
    stored_cols = (t.total_hundredths, t.online_hundredths, t.offline_hundredths, t.entries)
    summed_cols = (summed.c.total, summed.c.online, summed.c.offline, summed.c.entries)
    names = ("total", "online", "offline", "entries")

    def labelled(stored, sums):
        return [v.label(f"{side}_{name}") for name, a, b in zip(names, stored, sums, strict=True)
                for side, v in (("stored", a), ("summed", b))]

    # Two halves rather than a FULL JOIN, which SQLite plans as a nested loop over the aggregate:
    # every summed person-year against its stored row (a primary-key lookup), then stored rows
    # that have no entries at all.
    stored_or_zero = [func.coalesce(c, 0) for c in stored_cols]
    with_entries = (
        select(summed.c.user_id, summed.c.year, *labelled(stored_or_zero, summed_cols))
        .outerjoin(t, and_(t.user_id == summed.c.user_id, t.year == summed.c.year))
        .where(or_(*[a != b for a, b in zip(stored_or_zero, summed_cols, strict=True)]))
    )
    has_entries = select(LedgerEntry.id).where(LedgerEntry.user_id == t.user_id, LedgerEntry.year == t.year).exists()
    without_entries = (
        select(t.user_id, t.year, *labelled(stored_cols, [literal(0)] * 4))
        .where(~has_entries, or_(*[c != 0 for c in stored_cols]))
    )
    if year is not None:
        without_entries = without_entries.where(t.year == year)
    diff = union_all(with_entries, without_entries).subquery("diff")
    return db.session.execute(
        select(User.login_id, diff).join(User, User.id == diff.c.user_id).order_by(User.login_id, diff.c.year)
    ).all()


def year_summary(user_id: int, year: int) -> dict:
    """Total, online, offline and by category for one person and year, in hundredths, and the
    number of lines (entries) of the year: one statement."""
    by_category = db.session.execute(
        select(LedgerEntry.category, func.sum(LedgerEntry.credit_hundredths), func.count())
        .where(LedgerEntry.user_id == user_id, LedgerEntry.year == year)
        .group_by(LedgerEntry.category)
    ).all()
    order = {c: i for i, c in enumerate(Category)}
    categories = sorted(((Category(c), int(v or 0)) for c, v, _n in by_category), key=lambda cv: order[cv[0]])
    online = sum(v for c, v in categories if c.value in _ONLINE)
    total = sum(v for _c, v in categories)
    return {"total": total, "online": online, "offline": total - online, "by_category": categories,
            "lines": sum(int(n) for _c, _v, n in by_category)}


# The stored totals hold one row per person and year with entries (the triggers drop a row whose
# last entry goes), so the list of years is a primary-key range read. Built once: see rules.py.
_YEAR_TOTALS = LedgerYearTotal.__table__.c
_YEARS_OF = (
    select(_YEAR_TOTALS.year, _YEAR_TOTALS.total_hundredths)
    .where(_YEAR_TOTALS.user_id == bindparam("user_id")).order_by(_YEAR_TOTALS.year.desc())
)


def years_of(user_id: int) -> list[tuple[int, int]]:
    """(year, total) for every year the person has entries in, newest first."""
    return [(int(y), int(t)) for y, t in db.session.execute(_YEARS_OF, {"user_id": user_id}).all()]


def daily_totals(user_id: int, year: int) -> list[tuple[date, int]]:
    """Credit per local day of the year, for the cumulative chart."""
    return [(d, int(v)) for d, v in db.session.execute(
        select(LedgerEntry.occurred_on, func.sum(LedgerEntry.credit_hundredths))
        .where(LedgerEntry.user_id == user_id, LedgerEntry.year == year)
        .group_by(LedgerEntry.occurred_on).order_by(LedgerEntry.occurred_on)
    ).all()]


def daily_split(user_id: int, year: int) -> list[tuple[date, int, int]]:
    """(day, total, online) per local day of the year, for the day the requirement was reached."""
    return [(d, int(t), int(o)) for d, t, o in db.session.execute(
        select(LedgerEntry.occurred_on, func.sum(LedgerEntry.credit_hundredths), _online_sum())
        .where(LedgerEntry.user_id == user_id, LedgerEntry.year == year)
        .group_by(LedgerEntry.occurred_on).order_by(LedgerEntry.occurred_on)
    ).all()]


# The entry that reverses another (built once: an alias costs more to build than the query).
_reversal = aliased(LedgerEntry, name="reversal")


def entries_with_status(user_id: int, year: int) -> Select:
    """The person's entries of the year with the id of the entry that reversed each (if any)."""
    reversal = _reversal
    return (
        select(LedgerEntry, reversal.id.label("reversed_by_id"))
        .outerjoin(reversal, and_(reversal.reverses_id == LedgerEntry.id))
        .where(LedgerEntry.user_id == user_id, LedgerEntry.year == year)
        .order_by(LedgerEntry.occurred_on.desc(), LedgerEntry.id.desc())
    )


def unreversed_entries(user_id: int, source_type: str, source_id: str) -> list[LedgerEntry]:
    """Entries from one source that still stand (no reversal points at them)."""
    reversal = aliased(LedgerEntry)
    return list(db.session.scalars(
        select(LedgerEntry)
        .outerjoin(reversal, reversal.reverses_id == LedgerEntry.id)
        .where(LedgerEntry.user_id == user_id, LedgerEntry.source_type == source_type,
               LedgerEntry.source_id == source_id, reversal.id.is_(None), LedgerEntry.reverses_id.is_(None))
        .order_by(LedgerEntry.id)
    ))


def recent_adjustments(actor, limit: int = 50) -> list:
    """(LedgerEntry, User) of the latest manual adjustments to people the actor administers."""
    return db.session.execute(
        select(LedgerEntry, User).join(User, User.id == LedgerEntry.user_id)
        .where(LedgerEntry.category == Category.adjustment, managed_users(actor))
        .order_by(LedgerEntry.id.desc()).limit(limit)
    ).all()
