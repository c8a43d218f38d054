"""The plan pages: scope, proposing and approving through the forms, drill-down, forecast, Chinese."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from learnapp.planning import services
from learnapp.planning.models import DevelopmentPlan, PlanStatus
from tests.helpers.development import person_up_to
from tests.helpers.planning import admitted


def test_branch_admin_sees_only_their_subtree(org, db, client, login, clock):
    admitted(org.branch_a, date(2026, 3, 1), "pa", name="甲某")
    admitted(org.branch_c, date(2026, 3, 2), "pc", name="丙某")
    db.session.commit()
    login(org.admin_a)
    page = client.get("/planning/").get_data(as_text=True)
    assert "甲支部" in page and "丙支部" not in page and "执行率" in page
    for url in (f"/planning/?branch={org.branch_c.id}", f"/planning/people?branch={org.branch_c.id}",
                f"/planning/forecast?branch={org.branch_c.id}", f"/planning/branches/{org.branch_c.id}/2026",
                f"/planning/branches/{org.branch_c.id}/2026/edit"):
        assert client.get(url).status_code == 404, url
    people = client.get(f"/planning/people?branch={org.branch_a.id}&measure=developed").get_data(as_text=True)
    assert "甲某" in people and "丙某" not in people
    assert client.get("/planning/people?measure=nonsense").status_code == 404


def test_propose_then_approve_through_the_pages(org, db, client, login, clock):
    login(org.admin_a)
    url = f"/planning/branches/{org.branch_a.id}/2026/edit"
    refused = client.post(url, data={"planned": "2", "target_women": "5"})
    assert refused.status_code == 400 and "女性" in refused.get_data(as_text=True)
    assert db.session.scalar(select(DevelopmentPlan)) is None
    assert client.post(url, data={"planned": "2", "target_women": "1", "note": "支部建议"}).status_code == 302
    proposal = db.session.scalar(select(DevelopmentPlan))
    assert proposal.status == PlanStatus.proposed and proposal.targets == {"women": 1}
    assert client.post(f"/planning/plans/{proposal.id}/approve").status_code == 403
    login(org.committee_admin)
    assert "第一党总支/甲支部" in client.get("/planning/").get_data(as_text=True)  # waiting for approval
    assert client.post(f"/planning/plans/{proposal.id}/approve", data={"note": "同意"}).status_code == 302
    db.session.expire_all()
    assert services.plan_in_force(org.branch_a, 2026).planned == 2
    # The committee's change is a new version; the approved proposal is kept.
    client.post(url, data={"planned": "3"})
    page = client.get(f"/planning/branches/{org.branch_a.id}/2026").get_data(as_text=True)
    assert "第 2 版" in page and "第 1 版" in page


def test_drill_down_by_category_and_forecast(org, db, client, login, clock):
    woman = admitted(org.branch_a, date(2026, 3, 1), "pw", name="王女", gender="女")
    admitted(org.branch_a, date(2026, 3, 2), "pm", name="李男", gender="男")
    target = person_up_to(org.branch_a, "training_class", login_id="pt")
    services.set_plan(org.committee_admin, org.branch_a, 2026, 4, {"women": 2})
    db.session.commit()
    login(org.auditor)
    page = client.get(f"/planning/people?branch={org.branch_a.id}&measure=developed&category=women").get_data(as_text=True)
    assert "王女" in page and "李男" not in page and f"/development/people/{woman.id}" in page
    summary = client.get(f"/planning/?branch={org.branch_a.id}").get_data(as_text=True)
    assert "50.0%" in summary  # 2 of 4 developed; 1 of 2 women
    forecast = client.get(f"/planning/forecast?branch={org.branch_a.id}").get_data(as_text=True)
    assert f"/development/people/{target.id}" in forecast and "有望" in forecast
    assert client.get(f"/planning/branches/{org.branch_a.id}/2026/edit").status_code == 403  # auditors read
