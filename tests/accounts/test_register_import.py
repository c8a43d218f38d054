"""Importing the register (名册) as committees keep it: title rows, merged cells, text dates, every bad cell named."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from learnapp.accounts import register_history
from learnapp.accounts.models import ContactAssignment, Stage, User
from learnapp.accounts.roster import RosterError, import_roster_file
from learnapp.audit.models import AuditEntry
from tests.helpers import factories
from tests.helpers.register_files import (
    GOOD_REGISTER,
    REGISTER_HEADER,
    d,
    register_csv,
    register_xlsx,
)

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def mentor(org, db):
    mentor = factories.make_user(org.branch_a, Stage.full_member, login_id="mentor1", name="王联系")
    db.session.commit()
    return mentor


def _person(db, phone: str) -> User:
    return db.session.scalar(select(User).where(User.phone == phone))


def _people_and_audit(db) -> tuple[int, int]:
    return db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(AuditEntry.id)))


GOOD_ROWS = GOOD_REGISTER


def test_register_with_title_merged_cells_and_text_dates(org, db, mentor):
    data = register_xlsx(GOOD_ROWS, merges=("H4:H7",))
    result = import_roster_file(org.admin_a, "积极分子名册.xlsx", data)
    db.session.commit()
    assert (result.created, result.updated) == (4, 0)
    assert [r.row for r in result.rows] == [4, 5, 6, 7]  # row numbers as Excel shows them

    zhang = _person(db, "13800000001")
    assert (zhang.name, zhang.login_id, zhang.branch_id, zhang.gender, zhang.ethnicity) == \
        ("张红", "13800000001", org.branch_a.id, "女", "汉族")
    assert (zhang.birth_date, zhang.birth_date_precision, zhang.education, zhang.department) == \
        (d("1995-03-01"), "month", "大学本科", "办公室科员")
    assert zhang.stage == Stage.activist
    dates = register_history.recorded_dates(zhang)
    assert dates["application"] == {d("2023-05-01")} and dates["activist_determined"] == {d("2024-06-01")}
    contacts = db.session.scalars(select(ContactAssignment).where(ContactAssignment.learner_id == zhang.id)).all()
    assert [(a.contact_id, a.active) for a in contacts] == [(mentor.id, True)]

    li = _person(db, "13800000002")
    # Excel stores a typed 1990.10 as the number 1990.1: still October.
    assert (li.branch_id, li.birth_date, li.education, li.ethnicity) == (org.branch_a.id, d("1990-10-01"), "研究生", "回族")
    assert register_history.recorded_dates(li)["application"] == {d("2023-05-08")}
    assert register_history.recorded_dates(li)["activist_determined"] == {d("2024-06-01")}
    zhao = _person(db, "13800000003")
    assert (zhao.birth_date, zhao.education) == (d("1988-07-01"), "大学专科")
    assert register_history.recorded_dates(zhao)["application"] == {d("2023-05-08")}
    qian = _person(db, "13800000004")
    assert (qian.birth_date, qian.birth_date_precision, qian.ethnicity) == (d("1992-01-15"), "day", "满族")
    assert register_history.recorded_dates(qian)["activist_determined"] == {d("2024-06-01")}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "roster.import")).one()
    assert entry.details["created"] == 4


def test_columns_in_any_order_and_unknown_columns_reported(org, db, mentor):
    header = [*REGISTER_HEADER, "籍贯"]
    order = list(reversed(range(len(header))))
    rows = [[*GOOD_ROWS[0], "山东济南"]]
    data = register_xlsx([[row[i] for i in order] for row in rows], header=[header[i] for i in order])
    result = import_roster_file(org.admin_a, "r.xlsx", data)
    assert result.created == 1
    assert len(result.warnings) == 1 and "籍贯" in result.warnings[0]
    zhang = _person(db, "13800000001")
    assert (zhang.gender, zhang.education, zhang.stage) == ("女", "大学本科", Stage.activist)


def test_two_level_header_takes_the_sub_headings(org, db):
    header = ["序号", "姓名", "所在支部", "手机", "入党时间节点", "入党时间节点"]
    sub = [None, None, None, None, "申请入党时间", "确定为积极分子时间"]
    data = register_xlsx([sub, [1, "孙丽", "甲支部", "13800000009", "2022.01.05", "2023.03.01"]], header=header,
                         merges=("E3:F3", "A3:A4", "B3:B4", "C3:C4", "D3:D4"))
    result = import_roster_file(org.admin_a, "r.xlsx", data)
    assert result.created == 1 and result.rows[0].row == 5
    sun = _person(db, "13800000009")
    assert sun.stage == Stage.activist
    assert register_history.recorded_dates(sun)["application"] == {d("2022-01-05")}


def test_every_bad_cell_is_named_and_nothing_is_imported(org, db, mentor):
    factories.make_user(org.branch_b, Stage.full_member, name="重名")
    factories.make_user(org.branch_c, Stage.full_member, name="重名")
    factories.make_user(org.branch_a, Stage.activist, name="积极")
    db.session.commit()
    before = _people_and_audit(db)
    rows = [
        GOOD_ROWS[0],  # row 4: fine
        [2, "甲", "男的", "火星族", "1990.13", "博士后", "科员", "甲支部", "13800000011", "2023.02.30", "明年", "无此人", ""],
        [3, "乙", "女", "汉", "1990.01", "本科", "科员", "甲支部", "13800000012", "2027.01.01", "2024.06.01", "重名", ""],
        [4, "丙", "女", "汉", "1990.01", "本科", "科员", "丁支部", "12345", "2023.01.01", "2024.06.01", "积极", ""],
    ]
    with pytest.raises(RosterError) as caught:
        import_roster_file(org.committee_admin, "bad.xlsx", register_xlsx(rows))
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {
        (5, "性别"), (5, "民族"), (5, "出生年月"), (5, "学历"), (5, "申请入党时间"), (5, "确定为入党积极分子时间"),
        (5, "培养联系人"),
        (6, "申请入党时间"), (6, "培养联系人"),
        (7, "所在支部"), (7, "联系电话"),
    }
    messages = {(p.row, p.column): p.message for p in caught.value.problems}
    assert "2027.01.01" in messages[(6, "申请入党时间")]
    assert "第一党总支/乙支部" in messages[(6, "培养联系人")] and "第二党总支/丙支部" in messages[(6, "培养联系人")]
    assert "无此人" in messages[(5, "培养联系人")]
    assert _people_and_audit(db) == before


def test_contact_must_be_a_full_member(org, db):
    factories.make_user(org.branch_a, Stage.activist, name="积极")
    db.session.commit()
    row = [1, "丙", "女", "汉", "1990.01", "本科", "科员", "甲支部", "13800000013", "2023.01.01", "2024.06.01", "积极", ""]
    with pytest.raises(RosterError) as caught:
        import_roster_file(org.admin_a, "r.xlsx", register_xlsx([row]))
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "培养联系人")]


def test_gbk_csv_register_with_a_title_line(org, db):
    rows = [["1", "周杰", "男", "汉族", "1993.08", "大学", "办公室", "甲支部", "13800000021", "2024.01.02", "", "", ""]]
    result = import_roster_file(org.admin_a, "名册.csv", register_csv(rows, encoding="gbk"))
    assert result.created == 1 and result.file_kind == "csv/gbk"
    zhou = _person(db, "13800000021")
    assert (zhou.name, zhou.education, zhou.stage) == ("周杰", "大学本科", Stage.applicant)


def test_utf8_bom_csv_without_dates_takes_the_stage_from_the_title(org, db):
    header = ["序号", "姓名", "性别", "所在支部", "手机"]
    data = b"\xef\xbb\xbf" + register_csv([["1", "吴敏", "女", "甲支部", "13800000022"]], header=header,
                                          encoding="utf-8", title="测试党委发展对象名册")
    result = import_roster_file(org.admin_a, "r.csv", data)
    assert result.created == 1
    assert _person(db, "13800000022").stage == Stage.development_target


def test_reimporting_the_same_register_changes_nothing(org, db, mentor):
    data = register_xlsx(GOOD_ROWS, merges=("H4:H7",))
    import_roster_file(org.admin_a, "r.xlsx", data)
    db.session.commit()
    again = import_roster_file(org.admin_a, "r.xlsx", data, update_existing=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_a_different_date_for_a_recorded_step_is_refused(org, db, mentor):
    import_roster_file(org.admin_a, "r.xlsx", register_xlsx(GOOD_ROWS[:1]))
    db.session.commit()
    changed = [*GOOD_ROWS[0]]
    changed[9] = "2023.04"
    with pytest.raises(RosterError) as caught:
        import_roster_file(org.admin_a, "r.xlsx", register_xlsx([changed]), update_existing=True)
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "申请入党时间")]


def test_stage_column_contradicting_the_dates_is_named(org, db):
    header = ["姓名", "所在支部", "手机", "阶段", "申请入党时间", "确定为积极分子时间"]
    rows = [["郑一", "甲支部", "13800000031", "发展对象", "2022.01.01", "2023.01.01"]]
    with pytest.raises(RosterError) as caught:
        import_roster_file(org.admin_a, "r.xlsx", register_xlsx(rows, header=header))
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "阶段")]


def test_dates_that_break_todays_rules_are_imported_as_they_are(org, db):
    # Development target six months after becoming an activist: history, recorded as it happened.
    header = ["姓名", "所在支部", "手机", "申请入党时间", "确定为积极分子时间", "列为发展对象时间"]
    rows = [["冯二", "甲支部", "13800000032", "2023.01.01", "2023.06.01", "2023.12.01"]]
    import_roster_file(org.admin_a, "r.xlsx", register_xlsx(rows, header=header))
    feng = _person(db, "13800000032")
    assert feng.stage == Stage.development_target
    assert register_history.recorded_dates(feng)["target_determined"] == {d("2023-12-01")}


def test_no_header_row_is_explained(org, db):
    data = register_xlsx([["a", "b"]], header=["甲", "乙"])
    with pytest.raises(RosterError) as caught:
        import_roster_file(org.admin_a, "r.xlsx", data)
    assert "姓名" in caught.value.problems[0].message


def test_cli_imports_a_register(app, org, db, mentor, tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(register_xlsx(GOOD_ROWS, merges=("H4:H7",)))
    result = app.test_cli_runner().invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "created 4" in result.output
    assert _person(db, "13800000001").gender == "女"


def test_check_only_previews_and_saves_nothing(org, db, mentor):
    before = _people_and_audit(db)
    header = [*REGISTER_HEADER, "籍贯"]
    result = import_roster_file(org.admin_a, "r.xlsx", register_xlsx([[*GOOD_ROWS[0], "济南"]], header=header),
                                check_only=True)
    assert (result.created, result.checked_only, result.passwords) == (1, True, {})
    assert "籍贯" in result.warnings[0]
    db.session.commit()
    assert _people_and_audit(db) == before


def test_import_page_preview_and_unknown_column_warning(client, org, login, db, mentor):
    login(org.admin_a)
    header = [*REGISTER_HEADER, "籍贯"]
    data = register_xlsx([[*GOOD_ROWS[0], "济南"]], header=header)
    response = client.post("/people/import", data={"file": (io.BytesIO(data), "r.xlsx"), "check_only": "y"},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "籍贯" in page and "张红" in page
    assert _person(db, "13800000001") is None
    bad = register_xlsx([[*GOOD_ROWS[0][:2], "不男不女", *GOOD_ROWS[0][3:], "济南"]], header=header)
    response = client.post("/people/import", data={"file": (io.BytesIO(bad), "r.xlsx")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "籍贯" in page and "不男不女" in page


def test_repeated_header_and_note_rows_are_skipped(org, db, mentor):
    rows = [GOOD_ROWS[0], REGISTER_HEADER, GOOD_ROWS[1][:7] + ["甲支部"] + GOOD_ROWS[1][8:],
            ["注：本表由支部填写，党委组织部汇总。"], [None, "填表人：王某", None, None, None, "审核人：李某"]]
    result = import_roster_file(org.admin_a, "r.xlsx", register_xlsx(rows, merges=("A7:M7",)))
    assert [(r.row, r.name) for r in result.rows] == [(4, "张红"), (6, "李明")]
