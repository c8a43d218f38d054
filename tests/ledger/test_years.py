"""Year close: carry-over by the rules, closed years refuse entries, reopen with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from learnapp.errors import DomainError
from learnapp.ledger import queries, services, years
from learnapp.ledger.models import Category
from learnapp.ledger.rules import template_text
from learnapp.security import SYSTEM


def _earn(user, credit, day=date(2025, 11, 1)):
    return services.grant(SYSTEM, user, category=Category.lecture, credit_hundredths=credit, occurred_on=day,
                          source_type="activity", source_id=1)


def test_close_carries_excess_up_to_the_cap(org, db):
    services.save_rules(SYSTEM, template_text(2025), source_name="t")  # requirement 50, carry up to 10
    _earn(org.learner_a, 5600)   # 56: carries 6
    _earn(org.learner_b, 9000)   # 90: carries 10 (the cap)
    _earn(org.learner_c, 3000)   # 30: carries nothing
    lines = years.close_year(org.committee_admin, 2025)
    db.session.commit()
    assert {line.user.login_id: line.carry for line in lines} == {"learner_a": 600, "learner_b": 1000}
    assert queries.year_total(org.learner_a.id, 2026) == 600
    assert queries.year_total(org.learner_b.id, 2026) == 1000
    assert services.is_year_closed(2025)
    with pytest.raises(DomainError):
        _earn(org.learner_a, 100)
    with pytest.raises(DomainError):
        years.close_year(org.committee_admin, 2025)


def test_no_carry_over_when_rules_say_none(org, db):
    services.save_rules(SYSTEM, "year: 2025\ncarry_over: none\n", source_name="t")
    _earn(org.learner_a, 9000)
    assert years.close_year(org.committee_admin, 2025) == []
    assert queries.year_total(org.learner_a.id, 2026) == 0


def test_carry_in_does_not_carry_again(org, db):
    services.save_rules(SYSTEM, template_text(2025), source_name="t")
    _earn(org.learner_a, 6000, date(2024, 6, 1))
    services.save_rules(SYSTEM, template_text(2024), source_name="t")
    years.close_year(org.committee_admin, 2024)          # 10 into 2025
    _earn(org.learner_a, 5000)                           # exactly the requirement in 2025
    lines = years.close_year(org.committee_admin, 2025)
    assert lines == []
    assert queries.year_total(org.learner_a.id, 2025) == 6000


def test_reopen_correct_and_reclose_adjusts_carry(org, db):
    services.save_rules(SYSTEM, template_text(2025), source_name="t")
    entry = _earn(org.learner_a, 5600)
    years.close_year(org.committee_admin, 2025)
    with pytest.raises(DomainError):
        years.reopen_year(org.committee_admin, 2025, "")
    with pytest.raises(DomainError):
        years.reopen_year(org.admin_a, 2025, "x")
    years.reopen_year(org.committee_admin, 2025, "补录遗漏的学时")
    services.reverse(org.committee_admin, entry, "重复登记")
    _earn(org.learner_a, 5200)
    years.close_year(org.committee_admin, 2025)
    # Carry went from 6 to 2: a -4 line was appended, nothing rewritten.
    assert queries.year_total(org.learner_a.id, 2026) == 200


def test_only_committee_admin_and_past_years(org, db):
    with pytest.raises(DomainError):
        years.close_year(org.admin_a, 2025)
    with pytest.raises(DomainError):
        years.close_year(org.committee_admin, 2026)
