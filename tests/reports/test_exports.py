"""The 台账 exports: XLSX opened with openpyxl, CSV with a BOM, the CLI command; all scoped."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from learnapp.db import db
from learnapp.ledger.models import Category
from learnapp.reports.exports import PERSON_HEADERS, SUMMARY_HEADERS, sheet_title
from tests.helpers import factories
from tests.helpers.reports import add_entry, add_quiz_result


def _data(org):
    add_entry(org.learner_a, 1250, category=Category.online_reading)
    add_entry(org.learner_a, 800, on=date(2026, 5, 1), category=Category.lecture)
    add_entry(org.learner_a, 999, on=date(2025, 5, 1))  # another year: not in 2026's ledger
    add_entry(org.learner_b, 5000)
    add_entry(org.learner_c, 4000)
    quiz = add_quiz_result(org.learner_a, None, 8550)
    add_quiz_result(org.learner_b, quiz, 6000)
    db.session.commit()


def _rows_by_name(ws) -> dict[str, list]:
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == PERSON_HEADERS
    return {r[1]: list(r) for r in rows[1:]}


def test_xlsx_summary_and_one_sheet_per_branch(app, clock, org, client, login):
    _data(org)
    login(org.committee_admin)
    response = client.get("/reports/export.xlsx?year=2026")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames[0] == "汇总"
    assert {"甲支部", "乙支部", "丙支部", "第一党总支"} <= set(wb.sheetnames)
    # The committee's own people are its admin and the auditor: they owe no hours, so no sheet.
    assert "测试党委" not in wb.sheetnames
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert list(summary[1]) == SUMMARY_HEADERS
    committee_row = summary[2]
    assert committee_row[0] == "测试党委" and committee_row[1] == 6  # every active person in training
    everyone = {row[2] for ws in wb.worksheets[1:] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert "learner_a" in everyone and not {"cadmin", "auditor"} & everyone
    a = _rows_by_name(wb["甲支部"])
    row = a[org.learner_a.name]
    assert row[0] == "第一党总支/甲支部" and row[2] == "learner_a" and row[3] == "入党积极分子"
    # Numbers are numbers: 20.5 学时 total, 12.5 online, 8 offline, requirement 50, 41 %.
    assert row[4] == 50 and row[5] == 20.5 and row[6] == 12.5 and row[7] == 8
    assert isinstance(row[5], (int, float)) and row[8] == 41
    assert row[9] == "进度落后" and row[10] == 1 and row[11] == 85.5
    assert _rows_by_name(wb["乙支部"])[org.learner_b.name][9] == "已完成"


def test_xlsx_of_a_branch_admin_holds_only_their_branch(app, clock, org, client, login):
    _data(org)
    login(org.admin_a)
    wb = load_workbook(io.BytesIO(client.get("/reports/export.xlsx?year=2026").data))
    assert wb.sheetnames == ["汇总", "甲支部"]
    names = set(_rows_by_name(wb["甲支部"]))
    assert org.learner_a.name in names and org.learner_c.name not in names and org.learner_b.name not in names
    # Tampering with the branch parameter: not found, not an empty file.
    assert client.get(f"/reports/export.xlsx?year=2026&branch={org.branch_c.id}").status_code == 404
    assert client.get(f"/reports/export.csv?year=2026&branch={org.branch_b.id}").status_code == 404


def test_csv_has_bom_and_values(app, clock, org, client, login):
    _data(org)
    login(org.admin_g1)
    response = client.get("/reports/export.csv?year=2026&status=behind")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == PERSON_HEADERS
    by_name = {r[1]: r for r in rows[1:]}
    assert org.learner_b.name not in by_name  # complete, filtered out by status
    assert org.learner_c.name not in by_name  # out of scope
    assert by_name[org.learner_a.name][5] == "20.5" and by_name[org.learner_a.name][11] == "85.5"


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_title("a/b:c", taken) == "a_b_c"
    long = "很长的支部名称" * 6
    first, second = sheet_title(long, taken), sheet_title(long, taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second


def test_cli_writes_csv_and_xlsx(app, clock, org, tmp_path):
    _data(org)
    factories.make_user(org.branch_c, name="另一人")
    db.session.commit()
    runner = app.test_cli_runner()
    out = tmp_path / "hours.csv"
    result = runner.invoke(args=["report", "hours", "--year", "2026", "--branch", "第二党总支/丙支部", "--format", "csv",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert {r[1] for r in rows[1:]} == {org.learner_c.name, "另一人"}
    xlsx = tmp_path / "hours.xlsx"
    result = runner.invoke(args=["report", "hours", "--year", "2026", "--format", "xlsx", "-o", str(xlsx)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(xlsx)
    total = sum(Decimal(str(r[5])) for name in wb.sheetnames[1:] for r in wb[name].iter_rows(min_row=2, values_only=True))
    assert total == Decimal("110.5")  # learner_a 12.5 + 8, learner_b 50, learner_c 40: 2025 does not count
    bad = runner.invoke(args=["report", "hours", "--year", "2026", "--branch", "没有这个支部", "--format", "csv",
                              "-o", str(out), "--lang", "en"])
    assert bad.exit_code != 0 and "No single branch" in bad.output


def test_exports_are_sent_from_a_file_with_the_sheet_layout(app, clock, org, client, login):
    _data(org)
    login(org.committee_admin)
    response = client.get("/reports/export.xlsx?year=2026")
    assert response.is_streamed  # sent in chunks from the spooled file, not one bytes object
    disposition = response.headers["Content-Disposition"]
    assert 'filename=taizhang-2026.xlsx' in disposition and "filename*=UTF-8''%E5%8F%B0%E8%B4%A6-2026-" in disposition
    wb = load_workbook(io.BytesIO(response.data))
    summary, branch = wb["汇总"], wb["甲支部"]
    assert summary["A1"].value == "2026 年度学时台账 · 全部支部" and not summary["A1"].font.b
    assert summary["A2"].font.b and not summary["A3"].font.b and summary.freeze_panes == "A3"
    assert summary["A4"].value == "\u3000第一党总支"  # indented by depth
    assert branch["A1"].font.b and not branch["A2"].font.b and branch.freeze_panes == "C2"
    csv_response = client.get("/reports/export.csv?year=2026")
    assert csv_response.is_streamed
    assert "taizhang-2026.csv" in csv_response.headers["Content-Disposition"]


def test_export_works_after_the_view_context_is_gone(app, clock, org, client, login):
    """As in production: the request's app context (and its session) is torn down when the view
    returns, before the body is sent. Tests normally keep one app context pushed, which hides that;
    a thread of its own has none. (A body that still read the database would find it closed.)"""
    _data(org)
    login(org.committee_admin)

    def download(fmt: str) -> bytes:
        response = client.get(f"/reports/export.{fmt}?year=2026")
        assert response.status_code == 200
        return response.data

    with ThreadPoolExecutor(max_workers=1) as pool:
        xlsx, text = pool.submit(download, "xlsx").result(), pool.submit(download, "csv").result()
    assert org.learner_a.name in _rows_by_name(load_workbook(io.BytesIO(xlsx))["甲支部"])
    assert org.learner_a.name in {r[1] for r in csv.reader(io.StringIO(text.decode("utf-8-sig")))}


def test_the_ledger_holds_the_years_grades_and_the_contacts(app, clock, org, client, login):
    from learnapp.assessments import services as assessments

    _data(org)
    org.learner_a.phone, org.learner_a.email = "13800000000", "a@example.org"
    assessments.record_assessment(org.contact_a, org.learner_a, year=2026, period="q1", grade="competent")
    assessments.record_assessment(org.admin_a, org.learner_a, year=2026, period="q1", grade="excellent")
    db.session.commit()
    login(org.admin_a)
    wb = load_workbook(io.BytesIO(client.get("/reports/export.xlsx?year=2026").data))
    row = dict(zip(PERSON_HEADERS, _rows_by_name(wb["甲支部"])[org.learner_a.name], strict=True))
    assert row["一季度考核"] == "优秀"  # the branch's grade before the contact's
    assert row["年度考核等次"] in (None, "") and row["二季度考核"] in (None, "")
    assert row["联系电话"] == "13800000000" and row["电子邮箱"] == "a@example.org"
    assert row["培养联系人"] == org.contact_a.name
    text = client.get("/reports/export.csv?year=2026").data.decode("utf-8-sig")
    csv_row = next(r for r in csv.reader(io.StringIO(text)) if r[1] == org.learner_a.name)
    assert "优秀" in csv_row and org.contact_a.name in csv_row
