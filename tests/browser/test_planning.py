"""The committee sets a branch's development plan, then reads plan against actual and the forecast
(phone: cards; PC: tables), through the menu."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_committee_sets_a_plan_and_reads_plan_against_actual(journey, server):
    page = journey.page
    journey.login(server.login_for("committee admin", 0))
    journey.open_menu()
    journey.click("#site-nav a[href$='/planning/']", step="plan-vs-actual")
    assert "执行率" in journey.text()
    journey.click(page.locator("main .plan-actions a[href$='/edit']"), step="plan-form")
    planned = "12" if journey.phone else "15"
    page.fill("#planned", planned)
    page.fill("#target_women", "5")
    page.fill("#note", "党委下达年度发展计划")
    journey.submit("main form.plan-form button[type=submit].primary", step="plan-saved")
    assert page.locator(".flash-success").count() == 1, journey.text()[:800]
    assert "党委下达年度发展计划" in journey.text()
    journey.click(page.locator("main .plan-actions a").first, step="plan-vs-actual-after")
    total = page.locator("table.cards tr.plan-total")
    assert planned in total.inner_text()
    header_visible = page.locator("table.cards thead").first.bounding_box()
    if journey.phone:  # the header is visually hidden: one card per row
        assert header_visible is None or header_visible["width"] <= 1
    journey.goto(page.locator("main .plan-actions a[href*='/planning/forecast']").get_attribute("href"), step="forecast")
    assert "有望本年度发展" in journey.text() or "本支部暂无发展对象" in journey.text()
