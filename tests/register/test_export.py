"""Register (名册) exports: layout, scope, neutralised formulas, audit, and importing them back."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from learnapp.accounts import profile, register_history
from learnapp.accounts.models import ContactAssignment, Stage, User
from learnapp.accounts.roster import import_roster_file
from learnapp.audit.models import AuditEntry
from tests.helpers import factories
from tests.helpers.register_files import GOOD_REGISTER, d, register_xlsx, sheet_rows

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def register(org, db):
    """Four activists of 甲支部 imported from a register, one activist in 丙支部 (outside admin_a's scope)."""
    factories.make_user(org.branch_a, Stage.full_member, login_id="mentor1", name="王联系")
    import_roster_file(org.admin_a, "r.xlsx", register_xlsx(GOOD_REGISTER, merges=("H4:H7",)))
    zhang = db.session.scalar(select(User).where(User.name == "张红"))
    profile.update_profile(org.admin_a, zhang, department="=HYPERLINK(\"http://x\")")
    factories.make_user(org.branch_c, Stage.activist, name="丙某")
    db.session.commit()
    return zhang


def _download(client, stage="activist", file_format="xlsx", branch_id=0):
    return client.post("/people/register/export", data={"register-stage": stage, "register-file_format": file_format,
                                                        "register-branch_id": branch_id})


def test_xlsx_register_layout_scope_and_audit(client, org, login, db, register):
    login(org.admin_a)
    response = _download(client)
    assert response.status_code == 200
    rows = sheet_rows(response.data)
    assert rows[0][0] == "测试党委入党积极分子名册（截至2026年06月15日）"
    assert rows[1][:3] == ("序号", "姓名", "登录名") or rows[1][:3] == ["序号", "姓名", "登录名"]
    header = list(rows[1])
    assert {"申请入党时间", "确定为入党积极分子时间", "培养联系人", "出生年月", "民族"} <= set(header)
    people = {r[1]: dict(zip(header, r, strict=False)) for r in rows[2:]}
    assert "丙某" not in people  # another branch: outside admin_a's scope
    assert {"张红", "李明", "赵强", "钱芳"} <= set(people)
    zhang = people["张红"]
    assert (zhang["出生年月"], zhang["民族"], zhang["学历"], zhang["培养联系人"]) == ("1995.03", "汉族", "大学本科", "王联系")
    assert zhang["申请入党时间"].date() == date(2023, 5, 1)
    assert zhang["工作单位及职务"] == "=HYPERLINK(\"http://x\")"  # as typed, but text: see below
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    formula_like = [c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(\"http://x\")"]
    assert formula_like and all(c.data_type == "s" and c.quotePrefix for c in formula_like)  # text, never a formula
    assert any(str(r) == "A1:R1" or str(r).startswith("A1:") for r in sheet.merged_cells.ranges)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.register")).one()
    assert entry.actor_id == org.admin_a.id and entry.details["scope"]["rows"] == len(people)


def test_csv_register_has_a_bom_and_text_dates(client, org, login, register):
    login(org.committee_admin)
    response = _download(client, file_format="csv")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert "2023.05.01" in text and "丙某" in text  # the committee sees every branch
    assert "'=HYPERLINK" in text


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_export_imports_back(client, org, login, db, register, file_format):
    login(org.admin_a)
    data = _download(client, file_format=file_format).data
    again = import_roster_file(org.admin_a, f"export.{file_format}", data, update_existing=True)
    assert again.warnings == []  # every heading of the export is one the import knows
    exported = len(again.rows)
    assert exported == 5  # the four of the register and learner_a, all activists of 甲支部
    assert (again.created, again.updated, again.unchanged) == (0, 0, exported)

    # The same register as new people (other login IDs and phones): the same facts, dates and contacts.
    if file_format == "xlsx":
        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook.worksheets[0]
        for row in range(3, sheet.max_row + 1):
            sheet.cell(row, 3).value = f"copy{row}"
            sheet.cell(row, 11).value = f"1390000000{row}"
        buffer = io.BytesIO()
        workbook.save(buffer)
        created = import_roster_file(org.admin_a, "copy.xlsx", buffer.getvalue())
        assert created.created == exported
        copy = db.session.scalar(select(User).where(User.name == "张红", User.login_id.startswith("copy")))
        assert (copy.gender, copy.birth_date, copy.birth_date_precision, copy.stage) == ("女", d("1995-03-01"), "month", Stage.activist)
        assert copy.department == "=HYPERLINK(\"http://x\")"  # the apostrophe of the export is stripped again
        assert register_history.recorded_dates(copy)["activist_determined"] == {d("2024-06-01")}
        assert db.session.scalar(select(ContactAssignment.contact_id).where(ContactAssignment.learner_id == copy.id)) \
            == db.session.scalar(select(User.id).where(User.login_id == "mentor1"))


def test_register_export_refuses_a_branch_outside_scope(client, org, login, register):
    login(org.admin_a)
    assert _download(client, branch_id=org.branch_c.id).status_code == 404
    assert client.get("/people/register").status_code == 200


def test_people_export_carries_the_register_facts_and_imports_back(client, org, login, register):
    login(org.admin_a)
    data = client.get("/people/export.xlsx").data
    header = list(sheet_rows(data)[0])
    zhang = next(r for r in sheet_rows(data) if r[0] == "张红")
    assert dict(zip(header, zhang, strict=False))["出生年月"] == "1995.03"
    again = import_roster_file(org.admin_a, "people.xlsx", data, update_existing=True)
    # Everyone comes back unchanged; the importer's own row (they are on the list) is left alone.
    assert again.created == again.updated == 0 and again.unchanged == len(sheet_rows(data)) - 2
    own_row = next(n for n, r in enumerate(sheet_rows(data), start=1) if org.admin_a.login_id in r)
    assert len(again.warnings) == 1 and str(own_row) in again.warnings[0]


def test_filing_period_ending_before_it_starts_is_refused(client, org, login, db):
    login(org.committee_admin)
    response = client.post("/people/register/filings", data={"filings-start": "2026-06-01", "filings-end": "2026-01-01",
                                                             "filings-branch_id": 0})
    assert response.status_code == 400
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.filings")).first() is None
