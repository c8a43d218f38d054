"""The development pages through the web: a person's file, recording a step, filings, the branch list."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from learnapp.accounts.models import Role, RoleGrant
from learnapp.development import services
from learnapp.development.models import DevelopmentStep, StepStatus
from tests.helpers.development_pages import person_with_history, png_bytes


def _text(response) -> str:
    return response.get_data(as_text=True)


def _steps(db, person, code) -> list[DevelopmentStep]:
    return db.session.scalars(select(DevelopmentStep).where(DevelopmentStep.user_id == person.id,
                                                            DevelopmentStep.code == code)).all()


def test_file_shows_done_steps_and_next_steps_with_what_they_need(org, client, login, db):
    person = person_with_history(org.branch_a, name="张积极")
    db.session.commit()
    login(org.admin_a)
    page = _text(client.get(f"/development/people/{person.id}"))
    assert "张积极" in page
    for label in ("递交入党申请书", "一个月内派人谈话", "党员推荐、群团组织推优", "支委会确定为入党积极分子"):
        assert label in page
    assert "报上级党委备案（入党积极分子）" in page  # the next step, offered to the branch admin
    assert f"/development/people/{person.id}/record/activist_filed" in page


def test_refused_step_names_every_unmet_requirement_in_chinese_and_saves_nothing(org, client, login, db):
    person = person_with_history(org.branch_a)
    db.session.commit()
    login(org.admin_a)
    response = client.post(f"/development/people/{person.id}/record/target_determined",
                           data={"done_on": "2026-06-10", "note": "支委会讨论"})
    assert response.status_code == 400
    page = _text(response)
    assert "尚不能记录" in page or "未满足" in page
    refusal = page[page.index("dev-refused"):]
    # The filing, the contacts' opinion: both missing, both named.
    assert "报上级党委备案（入党积极分子）" in refusal and "培养联系人意见" in refusal
    assert not _steps(db, person, "target_determined")
    assert "as_exception" not in page  # a branch admin never sees the exception option


def test_committee_admin_records_an_exception_only_with_a_reason(org, client, login, db):
    person = person_with_history(org.branch_a)
    db.session.commit()
    login(org.committee_admin)
    url = f"/development/people/{person.id}/record/target_determined"
    page = _text(client.get(url))
    assert 'name="as_exception"' in page
    response = client.post(url, data={"done_on": "2026-06-10", "as_exception": "y"})
    assert response.status_code == 400 and not _steps(db, person, "target_determined")
    response = client.post(url, data={"done_on": "2026-06-10", "as_exception": "y",
                                      "exception_reason": "上级党委批准的特殊情况"})
    assert response.status_code == 302, _text(response)[:2000]
    [step] = _steps(db, person, "target_determined")
    assert step.exception_reason == "上级党委批准的特殊情况"
    admin_view = _text(client.get(f"/development/people/{person.id}"))
    assert "上级党委批准的特殊情况" in admin_view


def test_attachment_checked_by_content(org, client, login, db):
    person = person_with_history(org.branch_a)
    db.session.commit()
    login(org.admin_a)
    response = client.post(f"/development/people/{person.id}/record/activist_examined",
                           data={"done_on": "2026-06-10", "attachments": (io.BytesIO(b"not an image"), "考察.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "考察.png" in _text(response)
    assert not _steps(db, person, "activist_examined")
    response = client.post(f"/development/people/{person.id}/record/activist_examined",
                           data={"done_on": "2026-06-10", "attachments": (io.BytesIO(png_bytes()), "考察.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    [step] = _steps(db, person, "activist_examined")
    [attachment] = step.attachments
    assert client.get(f"/development/attachments/{attachment.id}").status_code == 200


def test_batch_filing_accepted_and_returned_and_the_branch_sees_the_outcome(org, client, login, db):
    first = person_with_history(org.branch_a, name="王备案")
    second = person_with_history(org.branch_a, name="李退回")
    db.session.commit()
    login(org.admin_a)
    page = _text(client.get("/development/filings/new"))
    assert "王备案" in page and "李退回" in page
    response = client.post("/development/filings/new", data={"person_id": [str(first.id), str(second.id)],
                                                             "done_on": "2026-06-12", "note": "第二季度积极分子备案"})
    assert response.status_code == 302, _text(response)[:2000]
    [one], [two] = _steps(db, first, "activist_filed"), _steps(db, second, "activist_filed")
    assert one.status == two.status == StepStatus.submitted

    login(org.committee_admin)
    queue = _text(client.get("/development/filings"))
    assert "王备案" in queue and "李退回" in queue and "第二季度积极分子备案" in queue
    assert client.post("/development/filings/accept", data={"step_id": str(one.id)}).status_code == 302
    assert client.post(f"/development/steps/{two.id}/return", data={"reason": "推荐材料缺少党员签名"}).status_code == 302
    db.session.expire_all()
    assert (one.status, two.status) == (StepStatus.accepted, StepStatus.returned)

    login(org.admin_a)
    outcome = _text(client.get("/development/filings"))
    assert "推荐材料缺少党员签名" in outcome and "王备案" in outcome
    assert "推荐材料缺少党员签名" in _text(client.get(f"/development/people/{second.id}"))
    # Returned: it may be filed again.
    assert "李退回" in _text(client.get("/development/filings/new"))


def test_person_sees_own_file_without_the_confidential_parts(org, client, login, db):
    person = person_with_history(org.branch_a, login_id="self_a", name="赵本人")
    services.record_step(org.admin_a, person, "activist_filed", date(2026, 6, 1), note="内部意见：再观察")
    [step] = _steps(db, person, "activist_filed")
    services.decide_step(org.committee_admin, step, accept=False, reason="政治表现需进一步了解")
    db.session.commit()
    login(person)
    response = client.get("/development/mine")
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "我的入党进程" in page and "递交入党申请书" in page
    assert "政治表现需进一步了解" not in page and "内部意见" not in page


def test_tampering_and_rank(org, client, login, db):
    other = person_with_history(org.branch_c)
    mine = person_with_history(org.branch_a)
    boss = person_with_history(org.branch_a)
    db.session.add(RoleGrant(user=boss, role=Role.branch_admin, branch=org.general1))
    db.session.commit()
    login(org.admin_a)
    assert client.get(f"/development/people/{other.id}").status_code == 404
    assert client.post(f"/development/people/{other.id}/record/activist_examined",
                       data={"done_on": "2026-06-10"}).status_code == 404
    assert client.post("/development/filings/new", data={"person_id": [str(mine.id), str(other.id)],
                                                         "done_on": "2026-06-12"}).status_code == 400
    assert not _steps(db, mine, "activist_filed") and not _steps(db, other, "activist_filed")
    assert client.get(f"/development/people/{boss.id}/record/activist_examined").status_code == 403
    step = services.record_step(org.admin_g1, mine, "activist_filed", date(2026, 6, 12))
    db.session.commit()
    assert client.post(f"/development/steps/{step.id}/accept").status_code == 403
    login(org.admin_g1)
    assert client.get(f"/development/people/{boss.id}/record/activist_examined").status_code == 200


def test_branch_list_by_stage_scoped(org, client, login, db):
    mine = person_with_history(org.branch_a, name="甲支部积极分子")
    other = person_with_history(org.branch_c, name="丙支部积极分子")
    db.session.commit()
    login(org.admin_a)
    page = _text(client.get("/development/?stage=activist"))
    assert mine.name in page and other.name not in page
    assert "报上级党委备案（入党积极分子）" in page
    login(org.committee_admin)
    page = _text(client.get(f"/development/?branch={org.branch_c.id}"))
    assert other.name in page and mine.name not in page
