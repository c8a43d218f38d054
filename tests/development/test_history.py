"""History without guards, the derived stage, and the old stage history turned into steps."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from learnapp.accounts import services as accounts
from learnapp.accounts.models import Stage, StageChange, User
from learnapp.audit.models import AuditEntry
from learnapp.development import check
from learnapp.development.history import derive_stage, migrate_stage_changes, record_history
from learnapp.development.models import DevelopmentStep, StepStatus
from learnapp.security import SYSTEM
from tests.helpers.development import person_up_to


def test_history_is_recorded_as_it_happened_and_then_listed_by_the_check(org, db, clock):
    person = person_up_to(org.branch_a, "target_contact_opinion")
    # Six months as activist: today's rules would refuse it, the register holds it.
    step = record_history(org.admin_a, person, "target_determined", date(2024, 3, 10), source="register")
    assert step.status == StepStatus.recorded and person.stage == Stage.development_target
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "development.history")).one()
    assert entry.details["after"]["source"] == "register"
    findings = check.person_findings(person, date(2026, 6, 15))
    # Too early after becoming an activist, and before the contacts' opinion (dated 2024-09-01).
    assert [(f.kind, f.code) for f in findings] == [("rule", "target_determined")] * 2
    assert any("2024-09-10" in f.message for f in findings) and any("2024-09-01" in f.message for f in findings)
    # A committee step from history counts as accepted.
    filed = record_history(org.admin_a, person, "target_filed", date(2024, 3, 20))
    assert filed.status == StepStatus.accepted


def test_the_stage_is_the_latest_stage_step_by_date(org, db, clock):
    person = person_up_to(org.branch_a, None)
    assert derive_stage(person) is None
    record_history(SYSTEM, person, "activist_determined", date(2024, 5, 1))
    record_history(SYSTEM, person, "application", date(2023, 1, 1))  # entered later, dated earlier
    assert person.stage == Stage.activist
    # A submitted step does not count until the committee accepts it.
    db.session.add(DevelopmentStep(user=person, code="committee_approval_admission", done_on=date(2025, 5, 1),
                                   status=StepStatus.submitted, data={}))
    db.session.flush()
    assert derive_stage(person) == Stage.activist
    record_history(SYSTEM, person, "committee_approval_full", date(2026, 5, 1))
    assert person.stage == Stage.full_member


def test_a_new_person_with_a_stage_gets_the_step_for_it(org, db, clock):
    user, _pw = accounts.create_user(org.admin_a, login_id="newp", name="新人", branch=org.branch_a,
                                     stage="development_target", stage_since=date(2025, 10, 1))
    assert [(s.code, s.done_on, s.status) for s in user.development_steps] == [
        ("target_determined", date(2025, 10, 1), StepStatus.recorded)]
    assert user.stage == Stage.development_target
    member, _pw = accounts.create_user(org.admin_a, login_id="newm", name="老党员", branch=org.branch_a,
                                       stage="full_member", stage_since=date(2001, 7, 1))
    assert [(s.code, s.status) for s in member.development_steps] == [("committee_approval_full", StepStatus.accepted)]
    assert check.person_findings(member, date(2026, 6, 15)) == []  # a partial file is not reported


def _old_path(org, db, login_id: str, changes) -> User:
    user = User(login_id=login_id, name=login_id, branch=org.branch_a, stage=changes[-1][0], password_hash="x",
                created_at=datetime(2020, 1, 1, tzinfo=UTC))
    db.session.add(user)
    db.session.flush()
    for stage, day in changes:
        db.session.add(StageChange(user=user, stage=stage, effective_on=day, note="旧记录"))
    db.session.flush()
    return user


def test_old_stage_changes_become_the_steps_they_imply_once(org, db, clock):
    before = db.session.scalar(select(func.count(DevelopmentStep.id)))
    old = _old_path(org, db, "old1", [(Stage.applicant, date(2022, 1, 5)), (Stage.activist, date(2022, 6, 1)),
                                      (Stage.development_target, date(2023, 7, 1)),
                                      (Stage.probationary_member, date(2023, 12, 1))])
    bare = User(login_id="bare", name="bare", branch=org.branch_a, stage=Stage.activist, password_hash="x",
                created_at=datetime(2021, 3, 4, 8, tzinfo=UTC))
    db.session.add(bare)
    db.session.flush()
    created = migrate_stage_changes()
    assert created == 6
    assert [(s.code, s.done_on, s.source, s.note) for s in old.development_steps] == [
        ("application", date(2022, 1, 5), "migration", "旧记录"),
        ("activist_determined", date(2022, 6, 1), "migration", "旧记录"),
        ("target_determined", date(2023, 7, 1), "migration", "旧记录"),
        ("branch_meeting_admission", date(2023, 12, 1), "migration", "旧记录"),
        ("committee_approval_admission", date(2023, 12, 1), "migration", "旧记录"),
    ]
    assert old.stage == Stage.probationary_member
    assert [(s.code, s.done_on) for s in bare.development_steps] == [("activist_determined", date(2021, 3, 4))]
    assert migrate_stage_changes() == 0  # idempotent
    assert db.session.scalar(select(func.count(DevelopmentStep.id))) == before + 6


def test_the_person_page_lists_the_steps_with_who_recorded_them(client, org, login, db):
    person = person_up_to(org.branch_a, "activist_determined", login_id="shown")
    record_history(org.admin_a, person, "activist_examined", date(2024, 3, 10), source="site", note="表现良好")
    db.session.commit()
    login(org.admin_a)
    assert f'href="/development/people/{person.id}"' in client.get(f"/people/{person.id}").get_data(as_text=True)
    page = client.get(f"/development/people/{person.id}").get_data(as_text=True)
    assert "党支部半年考察" in page and "表现良好" in page and org.admin_a.name in page


def test_cli_migrates_old_stage_history(app, org, db):
    _old_path(org, db, "old2", [(Stage.applicant, date(2022, 1, 5))])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["development", "migrate-history", "--lang", "en"])
    assert result.exit_code == 0 and result.output.startswith("1 steps")
    assert app.test_cli_runner().invoke(args=["development", "migrate-history"]).output.startswith("已生成 0 个步骤")
