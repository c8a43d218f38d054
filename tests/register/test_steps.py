"""The register's dates become development steps as they happened; the registers and the 备案 list show them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from learnapp.accounts.models import ContactAssignment, Stage, User
from learnapp.accounts.roster import RosterError, import_roster_file
from learnapp.audit.models import AuditEntry
from learnapp.development.history import record_history
from learnapp.development.models import DevelopmentStep, StepStatus
from learnapp.development.services import submit_filing
from tests.helpers import factories
from tests.helpers.register_files import register_xlsx, sheet_rows

pytestmark = pytest.mark.usefixtures("clock")

HEADER = ["序号", "姓名", "性别", "所在支部", "手机", "申请入党时间", "确定为积极分子时间", "列为发展对象时间",
          "接收为预备党员时间", "转正时间", "培养联系人", "入党介绍人"]


@pytest.fixture
def members(org, db):
    """Full members of 甲支部 who act as contacts and introducers."""
    found = {name: factories.make_user(org.branch_a, Stage.full_member, login_id=login_id, name=name)
             for login_id, name in (("m1", "王联系"), ("m2", "李介绍"), ("m3", "赵介绍"))}
    db.session.commit()
    return found


def _steps(db, phone: str) -> tuple[User, dict[str, DevelopmentStep]]:
    person = db.session.scalar(select(User).where(User.phone == phone))
    steps = db.session.scalars(select(DevelopmentStep).where(DevelopmentStep.user_id == person.id)).all()
    return person, {s.code: s for s in steps}


def test_every_date_column_becomes_its_step_and_the_stage_follows(org, db, members):
    rows = [
        [1, "周一", "男", "甲支部", "13800000041", "2021.03.01", "2021.09.10", "2022.10.01", "2023.11.15", "2024.11.20",
         "王联系", "李介绍、赵介绍"],
        [2, "吴二", "女", "甲支部", "13800000042", "2022.03.01", "2022.09.10", "2023.10.01", "", "", "王联系", "李介绍、赵介绍"],
    ]
    import_roster_file(org.admin_a, "register.xlsx", register_xlsx(rows, header=HEADER, title="测试党委党员发展名册"))
    db.session.commit()

    zhou, steps = _steps(db, "13800000041")
    assert zhou.stage == Stage.full_member
    assert {code: s.done_on for code, s in steps.items()} == {
        "application": date(2021, 3, 1), "activist_determined": date(2021, 9, 10), "contacts_assigned": date(2021, 9, 10),
        "target_determined": date(2022, 10, 1), "introducers_assigned": date(2022, 10, 1),
        "branch_meeting_admission": date(2023, 11, 15), "committee_approval_admission": date(2023, 11, 15),
        "committee_approval_full": date(2024, 11, 20)}
    assert {s.source for s in steps.values()} == {"register"}
    # Committee-decided steps recorded as history count as decided: the stage follows from them.
    assert steps["committee_approval_full"].status == StepStatus.accepted
    assert steps["introducers_assigned"].data["introducer_ids"] == [members["李介绍"].id, members["赵介绍"].id]
    assert steps["contacts_assigned"].data["contact_ids"] == [members["王联系"].id]
    assert db.session.scalar(select(ContactAssignment.contact_id).where(ContactAssignment.learner_id == zhou.id)) \
        == members["王联系"].id

    wu, steps = _steps(db, "13800000042")
    assert wu.stage == Stage.development_target and "branch_meeting_admission" not in steps
    history = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "development.history",
                                                          AuditEntry.target_id == str(wu.id))).all()
    assert history and all(e.details["after"]["source"] == "register" for e in history)


def test_introducers_need_a_date_and_resolve_by_name(org, db, members):
    rows = [[1, "郑三", "男", "甲支部", "13800000043", "2022.03.01", "2022.09.10", "", "", "", "", "李介绍、无名氏"]]
    with pytest.raises(RosterError) as caught:
        import_roster_file(org.admin_a, "r.xlsx", register_xlsx(rows, header=HEADER))
    messages = [(p.row, p.column, p.message) for p in caught.value.problems]
    assert [(r, c) for r, c, _m in messages] == [(4, "入党介绍人"), (4, "入党介绍人")]
    assert any("无名氏" in m for _r, _c, m in messages)


def test_dates_that_break_the_rules_are_listed_by_the_development_check(app, org, db, members):
    # 发展对象 six months after becoming an activist: imported as it happened, then reported.
    rows = [[1, "冯四", "男", "甲支部", "13800000044", "2023.01.05", "2023.06.01", "2023.12.01", "", "", "", ""]]
    import_roster_file(org.admin_a, "r.xlsx", register_xlsx(rows, header=HEADER))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["development", "check"])
    assert result.exit_code == 1
    assert "冯四" in result.output


def test_target_register_lists_introducers_and_every_date(client, org, login, db, members):
    rows = [[1, "吴二", "女", "甲支部", "13800000042", "2022.03.01", "2022.09.10", "2023.10.01", "", "", "王联系",
             "李介绍、赵介绍"]]
    import_roster_file(org.admin_a, "r.xlsx", register_xlsx(rows, header=HEADER))
    db.session.commit()
    login(org.admin_a)
    response = client.post("/people/register/export", data={"register-stage": "development_target",
                                                            "register-file_format": "xlsx", "register-branch_id": 0})
    rows = sheet_rows(response.data)
    assert rows[0][0].startswith("测试党委发展对象名册")
    header = list(rows[1])
    wu = dict(zip(header, next(r for r in rows[2:] if r[1] == "吴二"), strict=False))
    assert wu["入党介绍人"] == "李介绍、赵介绍" and wu["培养联系人"] == "王联系"
    assert wu["列为发展对象时间"].date() == date(2023, 10, 1) and wu["申请入党时间"].date() == date(2022, 3, 1)


def _filing_list(client, start="2026-01-01", end="2026-06-15", branch_id=0):
    response = client.post("/people/register/filings", data={"filings-start": start, "filings-end": end,
                                                             "filings-branch_id": branch_id})
    assert response.status_code == 200
    rows = sheet_rows(response.data)
    header = list(rows[1])
    return rows[0][0], [dict(zip(header, r, strict=False)) for r in rows[2:]]


def test_filing_list_of_a_period_with_submitted_and_accepted_filings(client, org, login, db):
    submitted = factories.make_user(org.branch_a, Stage.activist, name="新积极")
    accepted = factories.make_user(org.branch_a, Stage.development_target, name="新对象")
    earlier = factories.make_user(org.branch_a, Stage.activist, name="早备案")
    elsewhere = factories.make_user(org.branch_c, Stage.activist, name="丙备案")
    submit_filing(org.admin_a, [submitted], "activist_filed", date(2026, 6, 15))
    record_history(org.committee_admin, accepted, "target_filed", date(2026, 5, 20), source="site")
    record_history(org.committee_admin, earlier, "activist_filed", date(2025, 12, 1), source="site")
    record_history(org.committee_admin, elsewhere, "activist_filed", date(2026, 5, 1), source="site")
    db.session.commit()

    login(org.admin_a)
    title, rows = _filing_list(client)
    assert title == "测试党委入党积极分子、发展对象备案名单（2026年01月01日至2026年06月15日）"
    found = {r["姓名"]: (r["备案类别"], r["状态"], r["备案日期"].date()) for r in rows}
    assert found == {"新对象": ("发展对象", "已接受", date(2026, 5, 20)), "新积极": ("入党积极分子", "已提交", date(2026, 6, 15))}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.filings")).one()
    assert entry.details["scope"]["rows"] == 2 and entry.details["scope"]["start"] == "2026-01-01"

    login(org.committee_admin)
    _title, rows = _filing_list(client)
    assert {r["姓名"] for r in rows} == {"新对象", "新积极", "丙备案"}
