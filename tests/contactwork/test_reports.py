"""Thought reports: one per person and quarter, the autosaved draft, files checked by content,
late submissions, reading with a comment, and who is missing."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from sqlalchemy import select

from learnapp.accounts.models import Stage
from learnapp.audit.models import AuditEntry
from learnapp.contactwork import queries, report_files, reports
from learnapp.contactwork.models import ReportStatus, ThoughtReport
from learnapp.db import db
from learnapp.errors import DomainError
from tests.helpers.contactwork import PDF, reporting_since, submitted
from tests.helpers.factories import make_user


def test_draft_then_submit_one_report_per_quarter(app, clock, org):
    reports.save_draft(org.learner_a, year=2026, quarter=2, body="第一段")
    reports.save_draft(org.learner_a, year=2026, quarter=2, title="学习体会", body="第一段\n第二段")
    report = reports.submit_report(org.learner_a, year=2026, quarter=2, title="学习体会", body="第一段\n第二段")
    assert report.status == ReportStatus.submitted and not report.late
    assert db.session.scalar(select(db.func.count()).select_from(ThoughtReport)) == 1
    for again in (lambda: reports.save_draft(org.learner_a, year=2026, quarter=2, body="x"),
                  lambda: submitted(org.learner_a)):
        with pytest.raises(DomainError) as exc:
            again()
        assert exc.value.reasons[0][0] == "quarter"
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action.like("thought_report.%"))) == "thought_report.submit"


def test_who_reports_and_for_which_quarters(app, clock, org):
    with pytest.raises(DomainError):
        submitted(org.contact_a)  # a full member hands in no thought report
    with pytest.raises(DomainError) as exc:
        submitted(org.learner_a, quarter=3)  # the future
    assert exc.value.reasons == [("quarter", exc.value.reasons[0][1])]
    with pytest.raises(DomainError):
        reports.submit_report(org.learner_a, year=2026, quarter=2, body="   ")  # nothing typed, no file


def test_a_past_quarter_is_accepted_and_marked_late(app, clock, org):
    late = submitted(org.learner_a, quarter=1)
    on_time = submitted(org.learner_a, quarter=2)
    assert late.late and not on_time.late
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.target_id == str(late.id)))
    assert audit.details["after"]["late"] is True


def _docx(document: bytes = b"<w:document/>", extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<Types><Override ContentType="application/vnd.openxmlformats-'
                                                'officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_files_are_checked_by_content_and_size(app, clock, org):
    assert report_files.check("a.pdf", io.BytesIO(PDF)).content_type == "application/pdf"
    assert report_files.check("汇报.docx", io.BytesIO(_docx())).content_type == report_files.DOCX
    with pytest.raises(DomainError, match="a.pdf"):
        report_files.check("a.pdf", io.BytesIO(b"MZ\x90\x00 an executable"))
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    with pytest.raises(DomainError):
        report_files.check("x.docx", io.BytesIO(plain_zip.getvalue()))
    # A small archive that would unpack past the cap is refused before any member is read.
    bomb = _docx(extra={"word/media/zeros.bin": b"\0" * (report_files.MAX_UNPACKED + 1)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(DomainError, match="bomb.docx"):
        report_files.check("bomb.docx", io.BytesIO(bomb))
    app.config["CONTACTWORK_REPORT_MAX_BYTES"] = 100
    with pytest.raises(DomainError, match="MB"):
        report_files.check("big.pdf", io.BytesIO(PDF + b"0" * 200))
    assert report_files.check(None, None) is None


def test_contact_marks_read_with_a_comment(app, clock, org):
    report = submitted(org.learner_a)
    with pytest.raises(DomainError):
        reports.mark_read(org.auditor, report, comment="已阅")
    with pytest.raises(DomainError) as exc:
        reports.mark_read(org.contact_a, report, comment=" ")
    assert exc.value.reasons[0][0] == "comment"
    reports.mark_read(org.contact_a, report, comment="认识深刻，继续保持。")
    assert (report.status, report.read_by_id, report.comment) == (ReportStatus.read, org.contact_a.id, "认识深刻，继续保持。")
    draft = reports.save_draft(org.learner_a, year=2026, quarter=1, body="未完成")
    with pytest.raises(DomainError):
        reports.mark_read(org.contact_a, draft, comment="已阅")


def test_missing_reports_by_scope_stage_and_start(app, clock, org):
    reporting_since(org.learner_a, date(2025, 10, 1))
    reporting_since(org.learner_b, date(2026, 3, 15))  # became an activist in the quarter's last month
    reporting_since(org.learner_c, date(2025, 1, 1))
    applicant = make_user(org.branch_a, Stage.applicant, login_id="applicant_a")
    reporting_since(applicant, date(2025, 1, 1))
    submitted(org.learner_c, quarter=1)

    def names(actor, quarter=1):
        return {row.login_id for row in queries.missing_reports(actor, 2026, quarter)}

    assert names(org.committee_admin) == {"learner_a"}  # b starts with Q2, c handed in, no applicant
    assert names(org.auditor) == {"learner_a"}
    assert names(org.contact_a) == {"learner_a"}
    assert names(org.admin_a) == {"learner_a"}
    assert names(org.admin_g1, quarter=2) == {"learner_a", "learner_b"}
    assert names(org.learner_b) == set()  # a learner's scope is themselves
    draft = reports.save_draft(org.learner_a, year=2026, quarter=1, body="草稿")
    assert draft.status == ReportStatus.draft and names(org.admin_a) == {"learner_a"}  # a draft is not handed in


def test_autosave_endpoint_keeps_the_text_for_the_form(app, client, clock, org, login):
    login(org.learner_a)
    page = client.get("/contact-work/reports/write")
    token = page.get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    saved = client.post("/contact-work/reports/draft", json={"quarter": "2026-2", "title": "", "body": "未写完的汇报"},
                        headers={"X-CSRFToken": token})
    assert saved.status_code == 200 and saved.json["ok"]
    assert "未写完的汇报" in client.get("/contact-work/reports/write?quarter=2026-2").get_data(as_text=True)
    refused = client.post("/contact-work/reports/draft", json={"quarter": "2026-2", "body": "x" * (reports.MAX_BODY + 1)},
                          headers={"X-CSRFToken": token})
    assert refused.status_code == 422 and refused.json["reasons"][0]["field"] == "body"


def test_submitting_a_file_through_the_form_and_serving_it(app, client, clock, org, login):
    login(org.learner_a)
    response = client.post("/contact-work/reports/write", data={"quarter": "2026-2", "body": "",
                                                                "file": (io.BytesIO(_docx()), "第二季度思想汇报.docx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    report = db.session.scalar(select(ThoughtReport))
    assert report.file_type == report_files.DOCX
    login(org.contact_a)
    served = client.get(f"/contact-work/reports/{report.id}/file")
    assert served.status_code == 200 and "attachment" in served.headers["Content-Disposition"]
    login(org.learner_b)
    assert client.get(f"/contact-work/reports/{report.id}/file").status_code == 404


def test_drafts_are_the_authors_alone(app, client, clock, org, login):
    draft = reports.save_draft(org.learner_a, year=2026, quarter=2, body="私人草稿")
    db.session.commit()
    login(org.contact_a)
    assert client.get(f"/contact-work/reports/{draft.id}").status_code == 404
    login(org.learner_a)
    assert client.get(f"/contact-work/reports/{draft.id}").status_code == 302


def test_late_is_judged_by_the_local_date(app, clock, org):
    # 1 July 00:30 in Shanghai is still 30 June in UTC: the Q2 report is late by local time.
    clock.set(datetime(2026, 6, 30, 16, 30))
    assert submitted(org.learner_a, quarter=2).late
