"""The ledger API other domains call: grant (dedupe, closed year, caps), rules, totals."""

from __future__ import annotations

from datetime import date

import pytest

from learnapp.errors import DomainError
from learnapp.ledger import queries, services
from learnapp.ledger.models import Category, LedgerEntry, TrainingYear
from learnapp.ledger.rules import rules_for_year
from learnapp.security import SYSTEM

JUNE = date(2026, 6, 15)


def _grant(user, credit=100, day=JUNE, category=Category.online_reading, **kw):
    kw.setdefault("source_type", "material")
    return services.grant(SYSTEM, user, category=category, credit_hundredths=credit, occurred_on=day, **kw)


def test_grant_appends_an_entry_in_the_year_of_the_date(org, db):
    entry = _grant(org.learner_a, 100, minutes=35, source_id=7)
    db.session.commit()
    assert entry.year == 2026 and entry.source_id == "7" and entry.minutes == 35
    assert queries.year_total(org.learner_a.id, 2026) == 100
    assert queries.online_credit_on(org.learner_a.id, JUNE) == 100
    assert queries.year_total(org.learner_a.id, 2025) == 0


def test_dedupe_key_grants_once(org, db):
    first = _grant(org.learner_a, 100, dedupe_key="material:1:user:1")
    second = _grant(org.learner_a, 100, dedupe_key="material:1:user:1")
    db.session.commit()
    assert first is not None and second is None
    assert queries.year_total(org.learner_a.id, 2026) == 100


def test_grant_refuses_closed_year_future_dates_and_floats(org, db):
    db.session.add(TrainingYear(year=2025, closed=True))
    db.session.flush()
    with pytest.raises(DomainError):
        _grant(org.learner_a, 100, day=date(2025, 12, 31))
    with pytest.raises(DomainError):
        _grant(org.learner_a, 100, day=date(2026, 6, 16))
    with pytest.raises(TypeError):
        _grant(org.learner_a, 0.5)
    with pytest.raises(DomainError):
        _grant(org.learner_a, -100)
    assert db.session.scalar(db.select(db.func.count(LedgerEntry.id))) == 0


def test_daily_online_cap_cuts_credit(org, db):
    # Built-in defaults have no daily cap; the 2026 template caps online credit at 8 per day.
    services.save_rules(SYSTEM, "year: 2026\ncaps:\n  daily_online: 1.5\n", source_name="t")
    assert rules_for_year(2026).daily_online_cap == 150
    a = _grant(org.learner_a, 100)
    b = _grant(org.learner_a, 100, category=Category.test_passed, source_type="quiz")
    c = _grant(org.learner_a, 100)
    assert (a.credit_hundredths, b.credit_hundredths, c.credit_hundredths) == (100, 50, 0)
    assert b.requested_hundredths == 100
    assert queries.online_credit_on(org.learner_a.id, JUNE) == 150
    # Offline credit is not capped by the online cap; the next day starts afresh.
    d = _grant(org.learner_a, 100, day=date(2026, 6, 14))
    assert d.credit_hundredths == 100


def test_category_cap_per_year(org, db):
    services.save_rules(SYSTEM, "year: 2026\ncaps:\n  per_category: {self_study: 3}\n", source_name="t")
    got = [_grant(org.learner_a, 200, category=Category.self_study, source_type="claim").credit_hundredths
           for _ in range(3)]
    assert got == [200, 100, 0]
    assert queries.year_total(org.learner_a.id, 2026) == 300


def test_default_rules_and_item_bands(app):
    rules = rules_for_year(2031)
    assert rules.version is None
    assert [rules.item_credit(m) for m in (45, 30, 29, 15, 14, 0)] == [100, 100, 50, 50, 25, 25]
    assert rules.test_pass_credit == 50
    assert rules.daily_online_cap is None
    assert rules.requirement_default == 5000


def test_requirement_by_stage_and_role(org, db):
    services.save_rules(SYSTEM, "year: 2026\nrequirement:\n  default: 50\n  by_stage: {full_member: 32}\n"
                              "  by_role: {branch_admin: 56}\n", source_name="t")
    rules = rules_for_year(2026)
    assert rules.requirement_for(org.learner_a) == 5000
    assert rules.requirement_for(org.contact_a) == 3200
    assert rules.requirement_for(org.admin_a) == 5600


def test_reversal_cancels_once_and_entries_never_change(org, db):
    entry = _grant(org.learner_a, 100)
    reversal = services.reverse(org.committee_admin, entry, "wrong person")
    assert reversal.credit_hundredths == -100 and reversal.reverses_id == entry.id
    with pytest.raises(DomainError):
        services.reverse(org.committee_admin, entry, "again")
    assert queries.year_total(org.learner_a.id, 2026) == 0
    entry.credit_hundredths = 500
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()
