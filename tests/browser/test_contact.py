"""The training contact's journey: a learner types a thought report (autosaved across a reload) and
hands it in; the contact reads it from the home page, comments, and records a talk."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def _first_person(contact) -> tuple[int, str]:
    """The first person on the contact's home panel: (user id, login ID read from their record)."""
    link = contact.page.locator(".cw-panel a[href^='/contact-work/people/']").first
    user_id = int(re.search(r"/people/(\d+)", link.get_attribute("href")).group(1))
    contact.goto(f"/assessments/people/{user_id}")
    login_id = contact.page.locator("main p.lead").first.inner_text().split("·")[-1].strip()
    return user_id, login_id


def test_contact_reads_a_typed_report_and_records_a_talk(journey, make_journey, server):
    contact = journey
    contact.login(server.login_for("training contact", contact.index), step="contact-home")
    assert contact.page.locator(".cw-panel").count() == 1, contact.text()[:600]
    user_id, learner_login = _first_person(contact)

    learner = make_journey("learner")
    learner.login(learner_login)
    learner.click(learner.page.locator("a[href^='/contact-work/reports/write']").first, step="write")
    page = learner.page
    text = f"本季度我认真学习了党章，对党的性质和宗旨有了更深的认识。（{learner.size}）"
    page.fill("#title", "学习党章的体会")
    with page.expect_response(lambda r: r.url.endswith("/contact-work/reports/draft")
                              and text in (r.request.post_data_json or {}).get("body", "")) as saved:
        page.fill("#body", text)
        page.locator("#title").focus()  # leaving the text saves the draft at once
    assert saved.value.status == 200 and saved.value.json()["ok"], saved.value.text()
    assert "草稿" in page.locator("[data-autosave-status]").inner_text()
    page.reload()
    learner.check("after-reload")
    assert page.input_value("#body") == text, "the reload lost the typed text"
    learner.submit("main form button[type=submit].primary", step="handed-in")
    assert re.search(r"/contact-work/reports/\d+$", learner.path()), learner.text()[:600]
    report_path = learner.path()

    contact.goto("/", step="home-with-report")
    contact.click(contact.page.locator(f".cw-panel a[href='{report_path}']"), step="report")
    assert text in contact.text()
    contact.page.fill("#comment", "认识比较深刻，建议结合本职工作多谈体会。")
    contact.submit("form[action$='/read'] button[type=submit]", step="read")
    assert contact.page.locator(".flash-success").count() == 1, contact.text()[:600]

    contact.goto(f"/contact-work/people/{user_id}/talks/new", step="talk-form")
    contact.page.check("input[name=form][value=video]")
    contact.page.fill("#place", "")
    contact.page.fill("#topics", "思想汇报反馈与学习计划")
    contact.page.fill("#summary", "反馈了本季度思想汇报的意见，了解了工作和学习情况。")
    contact.page.fill("#follow_up", "下季度读完《习近平新时代中国特色社会主义思想学习纲要》。")
    contact.submit("main form button[type=submit].primary", step="talk-recorded")
    assert contact.path() == f"/contact-work/people/{user_id}", contact.path()
    assert "思想汇报反馈与学习计划" in contact.text()

    learner.goto(report_path, step="comment-seen")
    assert "建议结合本职工作" in learner.page.locator("[data-report-comment]").inner_text()
    learner.goto(f"/contact-work/people/{user_id}", step="own-talks")
    assert "反馈了本季度思想汇报的意见" not in learner.text()  # the contact's notes stay with the contact
