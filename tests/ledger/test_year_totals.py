"""ledger_year_totals: the database triggers keep it equal to the sums of the entries, whatever
writes the entries (services, ORM, Core bulk inserts, raw SQL updates and deletes), and
`flask ledger verify-totals` finds and repairs a row that does not agree."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from learnapp.audit.models import AuditEntry
from learnapp.db import db
from learnapp.ledger import claims, queries, services, year_totals
from learnapp.ledger.models import (
    ONLINE_CATEGORIES,
    ONLINE_VALUES,
    Category,
    LedgerEntry,
    LedgerYearTotal,
)
from learnapp.security import SYSTEM
from tests.helpers.ledger import submit

YEARS = (2024, 2025, 2026)
CREATED = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
# Positive credit for any category; negative only where the services allow it (adjustments).
op_strategy = st.one_of(
    st.tuples(st.just("grant"), st.integers(0, 3), st.integers(1, 3000), st.sampled_from(list(Category)),
              st.sampled_from(YEARS)),
    st.tuples(st.just("adjust"), st.integers(0, 3), st.integers(-2000, 2000).filter(bool),
              st.just(Category.adjustment), st.sampled_from(YEARS)),
    st.tuples(st.just("bulk"), st.integers(0, 3), st.integers(-500, 3000), st.sampled_from(list(Category)),
              st.sampled_from(YEARS)),
    st.tuples(st.just("reverse"), st.integers(0, 1000), st.just(0), st.just(Category.adjustment), st.just(0)),
)


def _expected() -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """The sums computed in Python from the entries as the ORM reads them."""
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for entry in db.session.scalars(select(LedgerEntry)):
        row = sums[(entry.user_id, entry.year)]
        row[0] += entry.credit_hundredths
        row[1 if entry.category in ONLINE_CATEGORIES else 2] += entry.credit_hundredths
        row[3] += 1
    return {key: tuple(v) for key, v in sums.items()}


def _stored() -> dict[tuple[int, int], tuple[int, int, int, int]]:
    return {(t.user_id, t.year): (t.total_hundredths, t.online_hundredths, t.offline_hundredths, t.entries)
            for t in db.session.scalars(select(LedgerYearTotal).execution_options(populate_existing=True))}


def _apply(people, op, n: int) -> None:
    kind, who, credit, category, year = op
    if kind == "reverse":
        reversed_ids = select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))
        standing = list(db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.source_type != "reversal", LedgerEntry.id.not_in(reversed_ids))
            .order_by(LedgerEntry.id)))
        if standing:
            services.reverse(SYSTEM, standing[who % len(standing)], "更正")
        return
    day = date(year, 1 + n % 12, 1 + n % 28)
    user = people[who]
    if kind == "bulk":
        # A Core executemany, as the benchmark loader and maintenance scripts write.
        db.session.connection().execute(LedgerEntry.__table__.insert(), [
            {"user_id": user.id, "year": day.year, "occurred_on": day, "category": category,
             "credit_hundredths": credit + k, "source_type": "adjustment", "created_at": CREATED}
            for k in range(2)])
    else:
        services.grant(SYSTEM, user, category=category, credit_hundredths=credit, occurred_on=day,
                       source_type="adjustment" if kind == "adjust" else "material", source_id=n,
                       apply_caps=False, allow_future=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op_strategy, max_size=30), deletions=st.lists(st.integers(0, 1000), max_size=4),
       updates=st.lists(st.tuples(st.integers(0, 1000), st.integers(-300, 300), st.sampled_from(list(Category)),
                                  st.sampled_from(YEARS)), max_size=3))
def test_stored_totals_equal_entry_sums(app, clock, org, ops, deletions, updates):
    people = [org.learner_a, org.learner_b, org.learner_c, org.contact_a]
    try:
        for n, op in enumerate(ops):
            _apply(people, op, n)
        db.session.flush()
        assert _stored() == _expected()
        # Raw SQL changes that the ORM would refuse: the UPDATE and DELETE triggers follow them.
        ids = list(db.session.scalars(select(LedgerEntry.id).order_by(LedgerEntry.id)))
        for index, credit, category, year in updates:
            if ids:
                db.session.execute(text("UPDATE ledger_entries SET credit_hundredths = :c, category = :cat, year = :y "
                                        "WHERE id = :id"),
                                   {"c": credit, "cat": category.value, "y": year, "id": ids[index % len(ids)]})
        for index in deletions:
            # Entries that a reversal points at stay (the foreign key), the others may go.
            free = list(db.session.scalars(select(LedgerEntry.id).where(
                LedgerEntry.id.not_in(select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None)))
            ).order_by(LedgerEntry.id)))
            if free:
                db.session.execute(text("DELETE FROM ledger_entries WHERE id = :id"), {"id": free[index % len(free)]})
        db.session.expire_all()
        expected = _expected()
        assert _stored() == expected
        assert queries.totals_differences() == []
        for (user_id, year), (total, _on, _off, _n) in expected.items():
            assert queries.year_total(user_id, year) == total
        for person in people:  # the progress page's list of years, newest first
            assert queries.years_of(person.id) == sorted(
                ((y, t) for (u, y), (t, _on, _off, _n) in expected.items() if u == person.id), reverse=True)
    finally:
        db.session.rollback()


def test_online_split_follows_online_categories(app, org, db):
    """The category list in the triggers is the model's ONLINE_CATEGORIES, category by category."""
    for i, category in enumerate(Category):
        services.grant(SYSTEM, org.learner_a, category=category, credit_hundredths=10 ** min(i, 4) + i,
                       occurred_on=date(2026, 3, 1 + i), source_type="adjustment", apply_caps=False)
        stored = db.session.get(LedgerYearTotal, (org.learner_a.id, 2026), populate_existing=True)
        before = _expected()[(org.learner_a.id, 2026)]
        assert (stored.total_hundredths, stored.online_hundredths, stored.offline_hundredths, stored.entries) == before
    assert ONLINE_VALUES == tuple(sorted(c.value for c in ONLINE_CATEGORIES))
    # And the offline part is everything else, carry-over and adjustments included.
    totals = db.session.execute(queries.totals_by_user(2026)).one()
    assert totals.offline == sum(10 ** min(i, 4) + i for i, c in enumerate(Category) if c not in ONLINE_CATEGORIES)


def test_verify_totals_finds_and_repairs_tampering(app, org, db):
    services.grant(SYSTEM, org.learner_a, category=Category.lecture, credit_hundredths=400, occurred_on=date(2026, 3, 1),
                   source_type="activity", source_id=1)
    services.grant(SYSTEM, org.learner_b, category=Category.online_reading, credit_hundredths=50,
                   occurred_on=date(2025, 3, 1), source_type="material", source_id=1)
    db.session.commit()
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["ledger", "verify-totals"])
    assert ok.exit_code == 0, ok.output
    # Someone edits the stored table by hand, and a row for a year without entries appears.
    db.session.execute(text("UPDATE ledger_year_totals SET total_hundredths = 999 WHERE user_id = :u"),
                       {"u": org.learner_a.id})
    db.session.execute(text("INSERT INTO ledger_year_totals (user_id, year, total_hundredths, online_hundredths, "
                            "offline_hundredths, entries) VALUES (:u, 2024, 5, 5, 0, 1)"), {"u": org.learner_c.id})
    db.session.commit()
    found = runner.invoke(args=["ledger", "verify-totals"])
    assert found.exit_code == 1
    assert f"{org.learner_a.login_id} 2026" in found.output and "9.99" in found.output and "4.00" in found.output
    assert f"{org.learner_c.login_id} 2024" in found.output
    assert org.learner_b.login_id not in found.output
    # Limited to another year, the check passes.
    assert runner.invoke(args=["ledger", "verify-totals", "--year", "2025"]).exit_code == 0
    repaired = runner.invoke(args=["ledger", "verify-totals", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    db.session.expire_all()
    assert queries.totals_differences() == []
    assert queries.year_total(org.learner_a.id, 2026) == 400
    assert db.session.get(LedgerYearTotal, (org.learner_c.id, 2024)) is None
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "ledger.totals.rebuild")).one()
    assert audit.details["after"]["corrected"] == 2
    assert runner.invoke(args=["ledger", "verify-totals"]).exit_code == 0


def test_rebuild_of_one_year_leaves_other_years(app, org, db):
    services.grant(SYSTEM, org.learner_a, category=Category.lecture, credit_hundredths=400, occurred_on=date(2026, 3, 1),
                   source_type="activity", source_id=1)
    services.grant(SYSTEM, org.learner_a, category=Category.lecture, credit_hundredths=300, occurred_on=date(2025, 3, 1),
                   source_type="activity", source_id=2)
    db.session.execute(text("UPDATE ledger_year_totals SET total_hundredths = 1"))
    services.rebuild_year_totals(SYSTEM, 2026)
    db.session.expire_all()
    assert queries.year_total(org.learner_a.id, 2026) == 400
    assert queries.year_total(org.learner_a.id, 2025) == 1  # not asked for


def test_statements_need_known_dialect_and_clean_categories():
    with pytest.raises(ValueError):
        year_totals.create_statements("sqlite", ["online'); DROP TABLE users; --"])
    with pytest.raises(NotImplementedError):
        year_totals.create_statements("mysql", ONLINE_VALUES)


def test_bulk_approval_grants_in_person_order(app, org, db):
    """Each grant row-locks the person's totals row (PostgreSQL): a transaction crediting many people
    takes those locks in person order, whatever order the claims were picked in."""
    later = submit(org.learner_b)  # the lower claim id, for the person with the higher id
    earlier = submit(org.learner_a)
    assert later.id < earlier.id and org.learner_a.id < org.learner_b.id
    result = claims.bulk_approve(org.admin_g1, [later.id, earlier.id])
    assert len(result.approved) == 2
    granted = db.session.scalars(select(LedgerEntry.user_id).order_by(LedgerEntry.id)).all()
    assert granted == sorted(granted) and set(granted) == {org.learner_a.id, org.learner_b.id}
