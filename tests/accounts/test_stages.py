"""Stage rules: warn (not block) when a step breaks the path's rules; exceptions are audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from learnapp.accounts import services
from learnapp.accounts.models import Stage, StageChange
from learnapp.accounts.stages import add_years, stage_rule_warnings, stage_since
from learnapp.audit.models import AuditEntry
from learnapp.errors import DomainError
from tests import factories


def _activist_since(org, since: date):
    user = factories.make_user(org.branch_a, Stage.applicant, login_id="path1")
    user.stage_changes[0].effective_on = date(2024, 1, 1)
    services.change_stage(org.admin_a, user, Stage.activist, since)
    return user


def test_add_years_handles_leap_day():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2025, 3, 1), 1) == date(2026, 3, 1)


def test_one_year_as_activist_is_checked(org, db):
    user = _activist_since(org, date(2025, 9, 1))
    codes = [w.code for w in stage_rule_warnings(user, Stage.development_target, date(2026, 6, 1))]
    assert codes == ["activist_year"]
    assert stage_rule_warnings(user, Stage.development_target, date(2026, 9, 1)) == []
    assert stage_since(user) == date(2025, 9, 1)


def test_a_rule_break_is_refused_without_confirmation(org, db):
    user = _activist_since(org, date(2025, 9, 1))
    with pytest.raises(services.StageRuleWarning) as caught:
        services.change_stage(org.admin_a, user, Stage.development_target, date(2026, 6, 1))
    assert caught.value.warnings[0].code == "activist_year"
    assert user.stage == Stage.activist


def test_an_exception_needs_a_reason(org, db):
    user = _activist_since(org, date(2025, 9, 1))
    with pytest.raises(DomainError) as caught:
        services.change_stage(org.admin_a, user, Stage.development_target, date(2026, 6, 1), accept_warnings=True)
    assert caught.value.reasons[0][0] == "note"


def test_an_accepted_exception_is_recorded_in_the_audit_log(org, db):
    user = _activist_since(org, date(2025, 9, 1))
    services.change_stage(org.admin_a, user, Stage.development_target, date(2026, 6, 1), "转入人员, 原单位已培养两年",
                          accept_warnings=True)
    db.session.commit()
    assert user.stage == Stage.development_target
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.stage").order_by(AuditEntry.seq.desc())).first()
    assert entry.details["override"][0]["rule"] == "activist_year"
    assert entry.details["note"] == "转入人员, 原单位已培养两年"
    assert "override" in entry.summary


def test_skipping_and_going_back_warn(org, db):
    user = factories.make_user(org.branch_a, Stage.applicant, login_id="skipper")
    codes = [w.code for w in stage_rule_warnings(user, Stage.development_target, date(2026, 6, 1))]
    assert "skip" in codes and "activist_year" in codes
    member = factories.make_user(org.branch_a, Stage.full_member, login_id="member")
    assert [w.code for w in stage_rule_warnings(member, Stage.activist, date(2026, 6, 1))] == ["backward"]


def test_probation_lasts_a_year(org, db):
    user = factories.make_user(org.branch_a, Stage.probationary_member, login_id="prob")
    user.stage_changes[0].effective_on = date(2025, 7, 1)
    assert [w.code for w in stage_rule_warnings(user, Stage.full_member, date(2026, 6, 1))] == ["probation_year"]
    assert stage_rule_warnings(user, Stage.full_member, date(2026, 7, 1)) == []


def test_a_normal_step_needs_no_confirmation(org, db):
    user = _activist_since(org, date(2025, 1, 1))
    change = services.change_stage(org.admin_a, user, Stage.development_target, date(2026, 6, 1))
    assert change.recorded_by_id == org.admin_a.id
    steps = db.session.scalars(select(StageChange).where(StageChange.user_id == user.id)).all()
    assert [s.stage for s in steps] == [Stage.applicant, Stage.activist, Stage.development_target]


def test_dates_in_the_future_or_before_the_last_step_are_refused(org, db):
    user = _activist_since(org, date(2025, 1, 1))
    for day in (date(2026, 7, 1), date(2024, 12, 1)):
        with pytest.raises(DomainError) as caught:
            services.change_stage(org.admin_a, user, Stage.development_target, day)
        assert caught.value.reasons[0][0] == "effective_on"


def test_a_branch_admin_cannot_change_another_branchs_person(org, db):
    with pytest.raises(DomainError):
        services.change_stage(org.admin_a, org.learner_c, Stage.probationary_member, date(2026, 6, 1))
