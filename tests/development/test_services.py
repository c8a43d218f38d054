"""Who may record what; committee submit, accept, return; batch 备案; exceptions; attachments."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from learnapp.accounts.models import ContactAssignment, Role, Stage
from learnapp.audit.models import AuditEntry
from learnapp.development import check, services
from learnapp.development.models import StepStatus
from learnapp.development.services import StepRefused, decide_step, record_step, submit_filing
from learnapp.errors import DomainError
from tests.helpers import factories
from tests.helpers.development import path_date, person_up_to

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_person_records_their_own_application_and_nothing_else(org, db, clock):
    person = person_up_to(org.branch_a, None)
    step = record_step(person, person, "application", date(2026, 6, 1), note="本人递交")
    assert step.status == StepStatus.recorded and person.stage == Stage.applicant
    with pytest.raises(DomainError) as refused:
        record_step(person, person, "application_talk", date(2026, 6, 10))
    assert not isinstance(refused.value, StepRefused)
    # Others may not record a person's own application … except their admins (a paper application).
    with pytest.raises(DomainError):
        record_step(org.learner_b, person, "application", date(2026, 6, 1))
    with pytest.raises(DomainError):
        record_step(org.contact_a, person, "application_talk", date(2026, 6, 10))
    record_step(org.admin_a, person, "application_talk", date(2026, 6, 10))


def test_an_admin_records_no_step_for_themselves(org, db, clock):
    admin = org.admin_a
    with pytest.raises(DomainError):
        record_step(admin, admin, "committee_approval_full", date(2026, 6, 1))
    with pytest.raises(DomainError):
        record_step(org.committee_admin, org.committee_admin, "archived", date(2026, 6, 1))


def test_the_contact_records_the_contacts_opinion_of_their_learner_only(org, db, clock):
    person = person_up_to(org.branch_a, "activist_examined", login_id="learner9")
    factories.assign_contact(org.contact_a, person)
    step = record_step(org.contact_a, person, "target_contact_opinion", date(2024, 9, 1), note="同意")
    assert step.recorded_by_id == org.contact_a.id
    other = person_up_to(org.branch_a, "activist_examined", login_id="learner10")
    with pytest.raises(DomainError):
        record_step(org.contact_a, other, "target_contact_opinion", date(2024, 9, 1))


def test_branch_admins_record_in_their_subtree_only_and_not_the_committees_own_steps(org, db, clock):
    person = person_up_to(org.branch_a, "branch_meeting_admission")
    with pytest.raises(DomainError):
        record_step(org.admin_a, person, "committee_talk", date(2025, 1, 20))
    outsider = factories.make_user(org.branch_c, Stage.full_member, login_id="admin_c", roles=[(Role.branch_admin, org.branch_c)])
    with pytest.raises(DomainError):
        record_step(outsider, person, "committee_talk", date(2025, 1, 20))
    record_step(org.committee_admin, person, "committee_talk", date(2025, 1, 20))
    record_step(org.admin_g1, person, "committee_approval_admission", date(2025, 2, 1))  # the general branch submits


def test_the_committee_accepts_or_returns_a_filing_and_the_branch_submits_again(org, db, clock):
    person = person_up_to(org.branch_a, "activist_determined", login_id="p1")
    step = record_step(org.admin_a, person, "activist_filed", date(2023, 9, 20))
    assert step.status == StepStatus.submitted
    with pytest.raises(DomainError):
        record_step(org.admin_a, person, "activist_filed", date(2023, 9, 21))  # already waiting
    with pytest.raises(DomainError):
        decide_step(org.admin_a, step, accept=True, reason=None)  # a branch admin does not decide
    with pytest.raises(DomainError) as no_reason:
        decide_step(org.committee_admin, step, accept=False, reason=" ")
    assert no_reason.value.reasons[0][0] == "reason"
    decide_step(org.committee_admin, step, accept=False, reason="缺推优材料")
    assert step.status == StepStatus.returned and step.decision_note == "缺推优材料"
    again = record_step(org.admin_a, person, "activist_filed", date(2023, 10, 8))
    decide_step(org.committee_admin, again, accept=True, reason=None, decided_on=date(2023, 10, 10))
    assert again.status == StepStatus.accepted and again.done_on == date(2023, 10, 10)
    assert again.data["submitted_on"] == "2023-10-08"
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("development.%"))
                                 .order_by(AuditEntry.seq)).all()
    assert actions == ["development.submit", "development.return", "development.submit", "development.accept"]


def test_a_committee_admin_does_not_decide_their_own_step(org, db, clock):
    other_admin = factories.make_user(org.committee, Stage.full_member, login_id="cadmin2",
                                      roles=[(Role.committee_admin, org.committee)])
    own = factories.make_user(org.committee, Stage.activist, login_id="cadmin3",
                              roles=[(Role.committee_admin, org.committee)])
    step = record_step(other_admin, own, "activist_filed", date(2026, 6, 15))
    assert step.status == StepStatus.accepted  # a committee admin records the committee's decision at once
    step.status = StepStatus.submitted  # as if a branch had submitted it
    with pytest.raises(DomainError):
        decide_step(own, step, accept=True, reason=None)
    decide_step(other_admin, step, accept=True, reason=None)


def test_batch_filing_is_all_or_nothing_and_names_each_refusal(org, db, clock):
    ready = [person_up_to(org.branch_a, "activist_determined", login_id=f"b{n}") for n in range(3)]
    not_yet = person_up_to(org.branch_a, "activist_recommended", login_id="b9")
    with pytest.raises(DomainError) as refused:
        submit_filing(org.admin_a, [*ready, not_yet], "activist_filed", date(2023, 9, 20))
    assert len(refused.value.messages) == 1 and refused.value.messages[0].startswith(not_yet.name)
    assert all([s.code for s in p.development_steps][-1] == "activist_determined" for p in ready), [[s.code for s in p.development_steps] for p in ready]
    filed = submit_filing(org.admin_a, ready, "activist_filed", date(2023, 9, 20), note="第三季度")
    assert [s.status for s in filed] == [StepStatus.submitted] * 3
    decide_step(org.committee_admin, filed[0], accept=True, reason=None, decided_on=date(2023, 9, 25))
    decide_step(org.committee_admin, filed[1], accept=False, reason="材料不全")
    assert [s.status for s in filed] == [StepStatus.accepted, StepStatus.returned, StepStatus.submitted]
    with pytest.raises(DomainError):
        submit_filing(org.admin_a, ready, "application_talk")


def test_a_committee_exception_needs_a_reason_is_audited_and_listed(org, db, clock):
    person = person_up_to(org.branch_a, "target_contact_opinion")
    early = date(2024, 6, 1)
    with pytest.raises(DomainError):
        record_step(org.admin_a, person, "target_determined", early, exception_reason="转入人员")  # branch admin: never
    with pytest.raises(StepRefused):
        record_step(org.committee_admin, person, "target_determined", early, exception_reason="  ")  # no reason
    assert person.stage == Stage.activist
    step = record_step(org.committee_admin, person, "target_determined", early,
                       exception_reason="原单位已培养考察两年，组织关系转入")
    assert person.stage == Stage.development_target and step.exception_unmet
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "development.exception")).one()
    assert entry.details["exception"]["reason"] == "原单位已培养考察两年，组织关系转入"
    assert entry.actor_id == org.committee_admin.id
    findings = check.person_findings(person, date(2026, 6, 15))
    assert [(f.kind, f.code) for f in findings] == [("exception", "target_determined")]


def test_a_branch_admins_exception_is_refused_even_with_a_reason(org, db, clock):
    person = person_up_to(org.branch_a, "target_contact_opinion")
    with pytest.raises(DomainError) as refused:
        record_step(org.admin_a, person, "target_determined", date(2024, 6, 1), exception_reason="支委会同意")
    assert refused.value.reasons[0][0] == "exception_reason"


def test_a_step_is_not_recorded_twice_or_in_the_future(org, db, clock):
    person = person_up_to(org.branch_a, "application")
    with pytest.raises(DomainError):
        record_step(org.admin_a, person, "application", date(2023, 3, 2))
    with pytest.raises(DomainError) as future:
        record_step(org.admin_a, person, "application_talk", date(2026, 6, 16))
    assert future.value.reasons[0][0] == "done_on"


def test_attachments_are_checked_by_their_content(org, db, clock):
    person = person_up_to(org.branch_a, "application")
    with pytest.raises(DomainError) as bad:
        record_step(org.admin_a, person, "application_talk", date(2023, 3, 20),
                    attachments=[("谈话记录.pdf", io.BytesIO(b"not really a pdf"))])
    assert "谈话记录.pdf" in bad.value.messages[0]
    step = record_step(org.admin_a, person, "application_talk", date(2023, 3, 20),
                       attachments=[("谈话记录.png", io.BytesIO(PNG)), ("签字.pdf", io.BytesIO(b"%PDF-1.4 x"))])
    assert [(a.original_name, a.content_type) for a in step.attachments] == [
        ("谈话记录.png", "image/png"), ("签字.pdf", "application/pdf")]


def test_assigning_contacts_keeps_the_assignments_in_step(org, db, clock):
    person = person_up_to(org.branch_a, "activist_filed")
    second = factories.make_user(org.branch_a, Stage.full_member, login_id="contact2")
    record_step(org.admin_a, person, "contacts_assigned", date(2023, 9, 25), data={"contact_ids": [org.contact_a.id]})
    record_step(org.admin_a, person, "contacts_assigned", date(2024, 3, 1), data={"contact_ids": [second.id]})
    rows = db.session.scalars(select(ContactAssignment).where(ContactAssignment.learner_id == person.id)).all()
    assert {(r.contact_id, r.active) for r in rows} == {(org.contact_a.id, False), (second.id, True)}
    with pytest.raises(StepRefused):
        record_step(org.admin_a, person, "contacts_assigned", date(2024, 3, 2), data={"contact_ids": [person.id]})


def test_the_stage_follows_admission_and_probation_to_full_membership(org, db, clock):
    person = person_up_to(org.branch_a, "committee_talk")
    approval = record_step(org.admin_a, person, "committee_approval_admission", date(2025, 2, 1))
    decide_step(org.committee_admin, approval, accept=True, reason=None, decided_on=date(2025, 2, 3))
    assert person.stage == Stage.probationary_member
    cancel = record_step(org.admin_a, person, "probation_cancelled", date(2025, 9, 1), note="不履行党员义务")
    assert person.stage == Stage.probationary_member  # submitted only
    decide_step(org.committee_admin, cancel, accept=True, reason="党委会研究同意", decided_on=date(2025, 9, 5))
    assert person.stage == Stage.applicant and services.derive_stage(person) is None
    assert path_date("application") < date(2025, 9, 5)
