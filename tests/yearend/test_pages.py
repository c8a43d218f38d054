"""The year-end page and its exports: scope per role, the files opened and their figures checked."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from tests.helpers.yearend import a_year


def test_committee_admin_sees_the_committee_and_every_branch(org, db, client, login, clock):
    a_year(org)
    db.session.commit()
    login(org.committee_admin)
    page = client.get("/yearend/?year=2026").get_data(as_text=True)
    assert "今年计划发展3人，实际发展2人，计划执行率66.7%。" in page
    assert "<svg" in page and "style=" not in page.split("<main", 1)[-1]
    assert client.get(f"/yearend/?branch={org.branch_c.id}&year=2026").status_code == 200


def test_branch_admin_sees_their_subtree_only(org, db, client, login, clock):
    a_year(org)
    db.session.commit()
    login(org.admin_a)
    page = client.get("/yearend/?year=2026").get_data(as_text=True)
    assert "今年计划发展2人，实际发展1人，计划执行率50%。" in page and "甲支部" in page
    for url in (f"/yearend/?branch={org.branch_c.id}", f"/yearend/export.docx?branch={org.branch_c.id}",
                f"/yearend/export.xlsx?branch={org.branch_c.id}", f"/yearend/?branch={org.committee.id}"):
        assert client.get(url).status_code == 404, url
    login(org.learner_a)
    assert client.get("/yearend/").status_code == 403


def test_the_word_document_holds_the_sentences_and_tables(org, db, client, login, clock):
    a_year(org)
    db.session.commit()
    login(org.committee_admin)
    response = client.get(f"/yearend/export.docx?branch={org.general1.id}&year=2026")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(response.data))
    text = [p.text for p in doc.paragraphs]
    assert "今年计划发展2人，实际发展1人，计划执行率50%。" in text
    tests_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "指标" and
                       any(r.cells[0].text == "参加测试人数" for r in t.rows))
    values = {r.cells[0].text: r.cells[1].text for r in tests_table.rows}
    assert (values["参加测试人数"], values["合格率（%）"], values["平均分"]) == ("2", "50", "65")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export.year_end"))
    assert entry.actor_id == org.committee_admin.id and entry.details["scope"]["format"] == "docx"


def test_the_workbook_has_a_sheet_per_section(org, db, client, login, clock):
    a_year(org)
    db.session.commit()
    login(org.committee_admin)
    response = client.get("/yearend/export.xlsx?year=2026")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:3] == ["概要", "发展计划执行情况", "发展党员结构"]
    plan = list(book["发展计划执行情况"].iter_rows(values_only=True))
    assert plan[1][:4] == ("测试党委", 3, 2, 66.7)
    summary = [r[0] for r in book["概要"].iter_rows(values_only=True)]
    assert "今年计划发展3人，实际发展2人，计划执行率66.7%。" in summary


def test_english_reader_gets_english(org, db, client, login, clock):
    a_year(org)
    db.session.commit()
    org.committee_admin.locale = "en"
    db.session.commit()
    login(org.committee_admin)
    page = client.get("/yearend/?year=2026").get_data(as_text=True)
    assert "This year the plan was to admit 3 people as probationary members and 2 were admitted: 66.7% of the plan." in page


def test_the_secretary_review_page_shows_the_development_figures(org, db, client, login, clock):
    a_year(org)
    db.session.commit()
    login(org.admin_a)
    page = client.get(f"/reports/branches/{org.branch_a.id}/summary?year=2026").get_data(as_text=True)
    assert "发展党员工作" in page and "计划发展人数" in page and "50.0%" in page
    assert f"/yearend/?branch={org.branch_a.id}&amp;year=2026" in page
