"""Roster import service: formats, encodings, every kind of bad row, all-or-nothing, audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from learnapp.accounts.models import Stage, User
from learnapp.accounts.roster import RosterError, import_roster_file
from learnapp.audit.models import AuditEntry
from learnapp.org.models import BranchKind
from tests.helpers import factories
from tests.helpers.roster_files import HEADER, csv_bytes, xlsx_bytes

GOOD = [["张三", "1001", "甲支部", "入党积极分子", "13800138000", "zs@example.cn"],
        ["李四", "1002", "第一党总支/乙支部", "development_target", "", ""]]


def _count(db) -> int:
    return db.session.scalar(select(func.count(User.id)))


def _problems(actor, data, filename="roster.csv", **kwargs):
    with pytest.raises(RosterError) as caught:
        import_roster_file(actor, filename, data, **kwargs)
    return caught.value.problems


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("gbk", False)])
def test_csv_in_every_encoding_chinese_excel_writes(org, db, encoding, bom):
    before = _count(db)
    result = import_roster_file(org.admin_g1, "名册.csv", csv_bytes(GOOD, encoding=encoding, bom=bom))
    db.session.commit()
    assert (result.created, result.updated) == (2, 0)
    assert result.file_kind.startswith("csv")
    assert _count(db) == before + 2
    zhang = db.session.scalar(select(User).where(User.login_id == "1001"))
    assert (zhang.name, zhang.branch_id, zhang.stage, zhang.phone) == ("张三", org.branch_a.id, Stage.activist, "13800138000")
    assert zhang.must_change_password
    assert set(result.passwords) == {"1001", "1002"}


def test_utf16_tab_separated_unicode_text(org, db):
    # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated.
    data = "\r\n".join("\t".join(r) for r in [HEADER, *GOOD]).encode("utf-16")
    result = import_roster_file(org.committee_admin, "roster.txt.csv", data)
    assert result.created == 2


def test_xlsx_with_numbers_where_excel_puts_them(org, db):
    data = xlsx_bytes([["王五", 1003, "甲支部", "入党申请人", 13900139000, None]])
    result = import_roster_file(org.admin_a, "roster.xlsx", data)
    assert result.created == 1 and result.file_kind == "xlsx"
    wang = db.session.scalar(select(User).where(User.login_id == "1003"))
    assert wang.phone == "13900139000"


def test_english_headers_and_extra_columns(org, db):
    header = ["No.", "name", "login_id", "branch", "stage", "phone", "email", "备注"]
    rows = [["1", "赵六", "zhao6", "甲支部", "activist", "", "", "转入"]]
    assert import_roster_file(org.admin_a, "r.csv", csv_bytes(rows, header=header)).created == 1


def test_stage_date_column_dates_the_first_step(org, db):
    header = [*HEADER, "阶段日期"]
    rows = [["钱七", "qian7", "甲支部", "入党积极分子", "", "", "2025/3/1"]]
    import_roster_file(org.admin_a, "r.csv", csv_bytes(rows, header=header))
    qian = db.session.scalar(select(User).where(User.login_id == "qian7"))
    assert [(s.code, s.done_on) for s in qian.development_steps] == [("activist_determined", date(2025, 3, 1))]


def test_every_bad_row_is_listed_and_nothing_is_written(org, db):
    before = _count(db)
    entries = db.session.scalar(select(func.count(AuditEntry.id)))
    rows = [
        ["张三", "2001", "甲支部", "入党积极分子", "", ""],          # row 2: fine
        ["", "2002", "甲支部", "入党积极分子", "", ""],              # row 3: missing name
        ["李四", "2001", "甲支部", "入党积极分子", "", ""],          # row 4: duplicate in file
        ["王五", "learner_a", "甲支部", "入党积极分子", "", ""],     # row 5: exists already
        ["赵六", "2005", "不存在支部", "入党积极分子", "", ""],      # row 6: unknown branch
        ["钱七", "2006", "丙支部", "入党积极分子", "", ""],          # row 7: outside scope of admin_g1
        ["孙八", "2007", "甲支部", "党员", "", ""],                  # row 8: bad stage
        ["周九", "2008", "甲支部", "入党积极分子", "12345", ""],     # row 9: bad phone
        ["吴十", "2009", "甲支部", "入党积极分子", "", "not-mail"],  # row 10: bad e-mail
        ["郑一", "a b", "甲支部", "入党积极分子", "", ""],           # row 11: bad login ID
    ]
    problems = _problems(org.admin_g1, csv_bytes(rows))
    by_row = {p.row: p for p in problems}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert by_row[3].column == "姓名"
    assert by_row[4].column == "工号" and "2" in by_row[4].message
    assert by_row[6].column == "支部" and by_row[7].column == "支部"
    assert by_row[8].column == "阶段" and by_row[9].column == "手机" and by_row[10].column == "邮箱"
    db.session.rollback()
    assert _count(db) == before
    assert db.session.scalar(select(func.count(AuditEntry.id))) == entries


def test_duplicate_login_ids_differ_only_in_case(org, db):
    rows = [["甲", "AbC", "甲支部", "入党申请人", "", ""], ["乙", "abc", "甲支部", "入党申请人", "", ""]]
    assert [p.row for p in _problems(org.admin_a, csv_bytes(rows))] == [3]


def test_ambiguous_branch_names_need_a_path(org, db):
    factories.make_branch("甲支部", org.general2, BranchKind.branch)  # a second 甲支部 under general2
    rows = [["甲", "x1", "甲支部", "入党申请人", "", ""]]
    problems = _problems(org.committee_admin, csv_bytes(rows))
    assert problems[0].column == "支部" and "第一党总支/甲支部" in problems[0].message
    ok = [["甲", "x1", "第二党总支/甲支部", "入党申请人", "", ""]]
    assert import_roster_file(org.committee_admin, "r.csv", csv_bytes(ok)).created == 1


def test_deactivated_branch_is_refused(org, db):
    spare = factories.make_branch("空支部", org.general1)
    spare.active = False
    problems = _problems(org.committee_admin, csv_bytes([["甲", "x1", "空支部", "入党申请人", "", ""]]))
    assert problems[0].column == "支部"


@pytest.mark.parametrize("data,filename", [
    (b"", "r.csv"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls"),
    (b"PK\x03\x04garbage", "broken.xlsx"),
    (b"not a workbook", "fake.xlsx"),
    (b"%PDF-1.4 ...", "scan.csv"),
    (b"\xff\xfe\x00\xd8garbage\x00\x00", "weird.csv"),
    ("姓名,工号,支部,阶段\r\n".encode(), "header-only.csv"),
    ("姓名,工号\r\n张三,1\r\n".encode(), "missing-columns.csv"),
    (bytes([0x81, 0x30, 0xFF, 0xFF, 0x2C]) * 10, "undecodable.csv"),
])
def test_malformed_files_get_a_clear_problem(org, db, data, filename):
    problems = _problems(org.committee_admin, data, filename=filename)
    assert problems and all(p.message for p in problems)


def test_missing_columns_are_named(org, db):
    problems = _problems(org.committee_admin, "姓名,工号\r\n张三,1\r\n".encode())
    assert {p.column for p in problems} == {"支部", "阶段"}


def test_update_existing_changes_details_and_moves_stage_forward(org, db):
    rows = [["新名字", "learner_a", "乙支部", "发展对象", "13700137000", ""]]
    result = import_roster_file(org.admin_g1, "r.csv", csv_bytes(rows), update_existing=True)
    db.session.commit()
    assert (result.created, result.updated, result.passwords) == (0, 1, {})
    learner = db.session.get(User, org.learner_a.id)
    assert (learner.name, learner.branch_id, learner.stage, learner.phone) == ("新名字", org.branch_b.id, Stage.development_target, "13700137000")
    # The roster reports history: recorded as it happened (not refused), audited, and listed by the
    # development check when it breaks a rule (here: less than a year as activist).
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "development.history")).one()
    assert entry.details["after"]["code"] == "target_determined" and entry.details["after"]["source"] == "register"


def test_update_existing_unchanged_rows_and_backward_stage(org, db):
    same = [[org.learner_a.name, "learner_a", "甲支部", "入党积极分子", "", ""]]
    result = import_roster_file(org.admin_a, "r.csv", csv_bytes(same), update_existing=True)
    assert (result.updated, result.unchanged) == (0, 1)
    back = [[org.learner_a.name, "learner_a", "甲支部", "入党申请人", "", ""]]
    assert _problems(org.admin_a, csv_bytes(back), update_existing=True)[0].column == "阶段"


def test_update_existing_refuses_people_outside_scope(org, db):
    rows = [["改名", "learner_c", "甲支部", "入党积极分子", "", ""]]
    problems = _problems(org.admin_a, csv_bytes(rows), update_existing=True)
    assert problems[0].column == "工号"


def test_audit_has_one_import_entry_and_one_per_person(org, db):
    import_roster_file(org.admin_g1, "名册.csv", csv_bytes(GOOD))
    db.session.commit()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["user.create", "user.create", "roster.import"]
    summary = entries[-1]
    assert summary.details["created"] == 2 and summary.details["file"] == "名册.csv" and len(summary.details["sha256"]) == 64
    assert summary.branch_path == org.general1.path  # both rows lie under general1
    assert entries[-1].actor_id == org.admin_g1.id


def test_cli_import_prints_passwords_or_problems(app, org, db, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(GOOD, encoding="gbk"))
    result = app.test_cli_runner().invoke(args=["users", "import", str(good), "--as", "cadmin"])
    assert result.exit_code == 0, result.output
    assert "created 2, updated 0" in result.output and "1001" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["", "3001", "无此支部", "入党申请人", "", ""]]))
    result = app.test_cli_runner().invoke(args=["users", "import", str(bad)])
    assert result.exit_code == 1
    assert "bad.csv:2" in result.output and "nothing imported: 2 problem(s)" in result.output
    assert db.session.scalar(select(func.count(User.id)).where(User.login_id == "3001")) == 0
