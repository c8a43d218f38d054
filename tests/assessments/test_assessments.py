"""Manual assessments: who may assess whom, validation on the form, audit, and the annual record."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from learnapp.assessments import record as records
from learnapp.assessments import services
from learnapp.assessments.models import Assessment, AssessorRole, Grade, Period
from learnapp.assessments.status import Status
from learnapp.audit.models import AuditEntry
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.ledger.models import Category, TrainingYear
from tests.helpers.reports import add_claim, add_entry, add_quiz_result


def test_roles_decide_who_assesses(app, clock, org):
    assert services.assessor_role(org.contact_a, org.learner_a) == AssessorRole.contact
    assert services.assessor_role(org.admin_a, org.learner_a) == AssessorRole.branch
    assert services.assessor_role(org.admin_g1, org.learner_b) == AssessorRole.branch
    assert services.assessor_role(org.learner_a, org.learner_a) is None  # nobody assesses themselves
    assert services.assessor_role(org.auditor, org.learner_a) is None  # auditors change nothing
    assert services.assessor_role(org.admin_a, org.learner_c) is None
    with pytest.raises(services.NotAllowed):
        services.record_assessment(org.admin_a, org.learner_c, year=2026, period=Period.q1, grade=Grade.competent)


def test_record_edit_delete_are_audited(app, clock, org):
    a = services.record_assessment(org.contact_a, org.learner_a, year=2026, period=Period.q1, grade=Grade.competent,
                                   comment="按时提交思想汇报")
    services.update_assessment(org.contact_a, a, grade=Grade.excellent, comment="进步明显")
    services.delete_assessment(org.admin_a, a, reason="录入到了错误的人")
    db.session.commit()
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions[-3:] == ["assessment.create", "assessment.update", "assessment.delete"]
    update = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "assessment.update"))
    assert update.details["before"]["grade"] == "competent" and update.details["after"]["grade"] == "excellent"
    assert db.session.scalar(select(Assessment)) is None


def test_rules_of_assessment(app, clock, org):
    with pytest.raises(DomainError) as exc:
        services.record_assessment(org.contact_a, org.learner_a, year=2026, period=Period.h1, grade=Grade.competent)
    assert exc.value.reasons[0][0] == "period"  # half-years are the branch's
    with pytest.raises(DomainError) as exc:
        services.record_assessment(org.contact_a, org.learner_a, year=2026, period=Period.q3, grade=Grade.competent)
    assert exc.value.reasons[0][0] == "period"  # not started yet: the clock stands in June
    with pytest.raises(DomainError) as exc:
        services.record_assessment(org.admin_a, org.learner_a, year=2026, period=Period.q1, grade=Grade.not_competent)
    assert exc.value.reasons[0][0] == "comment"  # a fail needs a reason
    services.record_assessment(org.admin_a, org.learner_a, year=2026, period=Period.q1, grade=Grade.competent)
    with pytest.raises(DomainError):
        services.record_assessment(org.admin_a, org.learner_a, year=2026, period=Period.q1, grade=Grade.excellent)
    db.session.add(TrainingYear(year=2025, closed=True))
    db.session.flush()
    with pytest.raises(DomainError) as exc:
        services.record_assessment(org.admin_a, org.learner_a, year=2025, period=Period.q4, grade=Grade.competent)
    assert exc.value.reasons[0][0] == "period" and "2025" in str(exc.value)  # the year is closed


def test_a_former_contact_can_no_longer_edit(app, clock, org):
    a = services.record_assessment(org.contact_a, org.learner_a, year=2026, period=Period.q1, grade=Grade.competent)
    assert services.can_change(org.contact_a, a)
    from learnapp.accounts.models import ContactAssignment

    db.session.scalar(select(ContactAssignment)).active = False
    db.session.flush()
    assert not services.can_change(org.contact_a, a)
    assert services.can_change(org.admin_g1, a)


def test_annual_record(app, clock, org):
    add_entry(org.learner_a, 1000, on=date(2026, 2, 10), category=Category.online_reading)
    add_claim(org.learner_a, on=date(2026, 5, 20), credit=800, decided_by=org.admin_a)
    add_entry(org.learner_a, 300, on=date(2025, 12, 31))
    add_quiz_result(org.learner_a, None, 7000)
    services.record_assessment(org.contact_a, org.learner_a, year=2026, period=Period.q1, grade=Grade.excellent)
    rec = records.build(org.learner_a, 2026)
    assert (rec.total, rec.online, rec.offline, rec.requirement) == (1800, 1000, 800, 5000)
    assert rec.status == Status.behind and rec.pace == 2274  # 5000 × 166 / 365 (15 June is day 166), rounded up
    assert [p.credit for p in rec.quarters] == [1000, 800, 0, 0]
    assert [p.credit for p in rec.halves] == [1800, 0]
    assert rec.quarters[0].assessments[0].grade == Grade.excellent
    assert rec.quarters[0].missing is False and rec.halves[0].missing is False  # H1 has not ended on 15 June
    assert [q.score_bp for q in rec.quizzes] == [7000] and rec.quizzes_passed == 1
    assert len(rec.lines) == 2 and rec.lines[0].claim is not None and len(rec.lines[0].claim.evidence) == 1


def test_form_shows_errors_on_the_field(app, clock, org, client, login):
    login(org.admin_a)
    url = f"/assessments/people/{org.learner_a.id}/new"
    response = client.post(url, data={"year": "2026", "period": "q1", "grade": "not_competent", "comment": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error"' in page
    assert db.session.scalar(select(Assessment)) is None
    response = client.post(url, data={"year": "2026", "period": "h1", "grade": "competent", "comment": "良好"})
    assert response.status_code == 302
    record = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "良好" in record


def test_contact_sees_their_people(app, clock, org, client, login):
    login(org.contact_a)
    page = client.get("/assessments/").get_data(as_text=True)
    assert org.learner_a.name in page and org.learner_b.name not in page
    login(org.learner_a)
    assert client.get("/assessments/").status_code == 302
