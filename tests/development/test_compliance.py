"""The compliance report (规范性检查): what it lists, its scope and filters, and its XLSX export."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from learnapp.accounts.models import ContactAssignment
from learnapp.audit.models import AuditEntry
from learnapp.development.history import record_history
from learnapp.development.services import record_step
from learnapp.security import SYSTEM
from tests.helpers.development import person_up_to
from tests.helpers.development_pages import person_with_history

REASON = "原单位已培养考察两年，组织关系转入"


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _files(org, db):
    """Three people of branch a, each with one kind of finding, and one of branch c."""
    short = person_up_to(org.branch_a, "activist_examined", login_id="short")
    short.name = "间隔过短"
    record_history(SYSTEM, short, "target_contact_opinion", date(2024, 1, 10), audit_entry=False)
    record_history(SYSTEM, short, "target_determined", date(2024, 1, 20), audit_entry=False)  # 4 months as activist
    excepted = person_up_to(org.branch_a, "target_contact_opinion", login_id="excepted")
    excepted.name = "例外人员"
    record_step(org.committee_admin, excepted, "target_determined", date(2024, 6, 1), exception_reason=REASON)
    untrained = person_up_to(org.branch_a, "branch_committee_review", login_id="untrained", skip=("training_class",))
    untrained.name = "未经培训"
    other = person_up_to(org.branch_c, "application", login_id="other_c")
    other.name = "丙支部申请人"
    db.session.commit()
    return short, excepted, untrained, other


def test_the_page_lists_short_intervals_exceptions_with_reasons_and_targets_without_training(org, client, login, db):
    short, excepted, untrained, _other = _files(org, db)
    login(org.admin_a)
    page = _text(client.get("/development/compliance"))
    for person in (short, excepted, untrained):
        assert person.name in page and f"/development/people/{person.id}" in page
    assert REASON in page
    assert 'href="/development/compliance"' in page  # the menu entry
    assert "集中培训" in page  # the development target admitted without the training class
    exceptions = _text(client.get("/development/compliance?kind=exception"))
    assert excepted.name in exceptions and short.name not in exceptions and untrained.name not in exceptions
    rules = _text(client.get("/development/compliance?kind=rule&year=2024"))
    assert short.name in rules and excepted.name not in rules


def test_a_branch_admin_sees_only_their_subtree_and_a_tampered_branch_is_404(org, client, login, db):
    short, _excepted, _untrained, other = _files(org, db)
    login(org.admin_a)
    page = _text(client.get("/development/compliance"))
    assert short.name in page and other.name not in page
    assert client.get(f"/development/compliance?branch={org.branch_c.id}").status_code == 404
    assert client.get(f"/development/compliance.xlsx?branch={org.branch_c.id}").status_code == 404
    assert other.name not in _text(client.get(f"/development/compliance?branch={org.branch_a.id}"))
    for reader in (org.committee_admin, org.auditor):
        login(reader)
        page = _text(client.get("/development/compliance"))
        assert short.name in page and other.name in page
        branch_c = _text(client.get(f"/development/compliance?branch={org.branch_c.id}"))
        assert other.name in branch_c and short.name not in branch_c
    login(org.learner_a)
    assert client.get("/development/compliance").status_code == 403
    assert 'href="/development/compliance"' not in _text(client.get("/"))


def test_missing_reports_assessments_and_contacts_are_listed(org, client, login, db):
    lonely = person_with_history(org.branch_a, name="无联系人")  # an activist since 2025-03-01
    looked_after = person_with_history(org.branch_a, name="有联系人")
    db.session.add(ContactAssignment(contact=org.contact_a, learner=looked_after, active=True,
                                     created_at=datetime(2025, 3, 1, tzinfo=UTC)))
    db.session.commit()
    login(org.admin_a)
    no_contact = _text(client.get("/development/compliance?kind=no_contact"))
    assert lonely.name in no_contact and looked_after.name not in no_contact
    reports = _text(client.get("/development/compliance?kind=no_report&year=2026"))
    assert lonely.name in reports and looked_after.name in reports and "2026" in reports
    assessments = _text(client.get("/development/compliance?kind=no_assessment&year=2025"))
    assert looked_after.name in assessments and org.contact_a.name in assessments and lonely.name not in assessments


def test_the_export_holds_the_filtered_findings_and_is_audited(org, client, login, db):
    short, excepted, untrained, other = _files(org, db)
    login(org.committee_admin)
    response = client.get(f"/development/compliance.xlsx?branch={org.branch_a.id}&kind=exception")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == excepted.name and rows[1][2] == "excepted" and rows[1][4] == "2024-06-01"
    assert REASON in rows[1][5]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.compliance")).one()
    assert entry.actor_id == org.committee_admin.id
    assert entry.details["scope"]["kind"] == "exception" and entry.details["scope"]["rows"] == 1
    everything = load_workbook(io.BytesIO(client.get("/development/compliance.xlsx").data)).active
    names = {row[1] for row in everything.iter_rows(min_row=2, values_only=True)}
    assert {short.name, excepted.name, untrained.name, other.name} <= names
