"""The 备案 journey: a branch files two new activists, the committee accepts one and returns the
other with a reason, the branch sees the outcome, and the person reads their own file."""

from __future__ import annotations

import json
import sys

import pytest

pytestmark = pytest.mark.browser


def _two_people(server, branch: str, prefix: str) -> list[dict]:
    done = server._run([sys.executable, "-m", "tests.helpers.browser.development_setup", branch, prefix])
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_branch_files_activists_and_committee_decides(journey, make_journey, server):
    admin_login = server.login_for("branch admin", journey.index)
    branch = next(e.branch for e in server.logins if e.login_id == admin_login)
    prefix = "手机备案" if journey.phone else "电脑备案"
    first, second = _two_people(server, branch.split("/")[-1], prefix)
    page = journey.page

    # The branch admin determines both as activists in the site (the branch committee's decision).
    journey.login(admin_login)
    for n, person in enumerate((first, second)):
        journey.goto(f"/development/people/{person['id']}", step=f"file-before-{n}")
        journey.click(page.locator("main a[href$='/record/activist_determined']").first, step=f"determine-form-{n}")
        page.fill("#note", "支委会讨论确定")
        journey.submit("main form.dev-form button[type=submit].primary", step=f"determined-{n}")
        assert page.locator(".flash-success").count() == 1, journey.text()[:800]

    # One filing of both.
    journey.open_menu()
    journey.click("#site-nav a[href$='/development/filings']", step="filings")
    journey.click(page.locator("main .actions a[href*='/development/filings/new?code=activist_filed']"), step="filing-form")
    for person in (first, second):
        page.locator("ul.dev-candidates li", has_text=person["name"]).locator("input[type=checkbox]").check()
    page.fill("#note", "本季度新确定入党积极分子备案")
    journey.submit("main form.dev-form button[type=submit].primary", step="filing-sent")
    assert page.locator(".flash-success").count() == 1, journey.text()[:800]

    # The committee accepts the first and returns the second with a reason.
    committee = make_journey("committee")
    committee.login(server.login_for("committee admin", 0))
    committee.open_menu()
    committee.click("#site-nav a[href$='/development/filings']", step="queue")
    cpage = committee.page
    item = cpage.locator("li.dev-filing-item", has_text=first["name"])
    item.locator("input[name=step_id]").check()
    committee.submit("#accept-batch button[type=submit]", step="accepted")
    assert cpage.locator(".flash-success").count() == 1, committee.text()[:800]
    item = cpage.locator("li.dev-filing-item", has_text=second["name"])
    item.locator("details.dev-return:not(.dev-accept-exception) summary").click()
    reason = "推荐材料缺少两名党员签名，请补充后重新报送"
    item.locator("textarea[name=reason]").fill(reason)
    committee.submit(item.locator("form[action$='/return'] button[type=submit]"), step="returned")
    assert cpage.locator(".flash-success").count() == 1, committee.text()[:800]

    # The branch sees both outcomes, and the reason on the person's file.
    journey.goto("/development/filings", step="outcome")
    decided = page.locator("table.dev-decided")
    assert decided.locator("tr", has_text=first["name"]).locator(".badge.ok").count() == 1
    assert reason in decided.locator("tr", has_text=second["name"]).inner_text()
    journey.click(decided.locator("tr", has_text=second["name"]).locator("a").first, step="returned-file")
    assert reason in journey.text()

    # The branch's list: the first one is an activist now, filed; the list shows the next steps.
    journey.open_menu()
    journey.click("#site-nav a[href='/development/']", step="development-list")
    row = page.locator("table.dev-people tr", has_text=first["name"])
    assert row.count() == 1 and "入党积极分子" in row.inner_text(), journey.text()[:800]

    # The first person reads their own file: the filing accepted, no committee reasons anywhere.
    person = make_journey("person")
    person.login(first["login_id"])
    person.open_menu()
    person.click("#site-nav a[href$='/development/mine']", step="my-file")
    text = person.text()
    assert "报上级党委备案（入党积极分子）" in text and "支委会确定为入党积极分子" in text
    assert reason not in text
