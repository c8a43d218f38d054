"""The committee sets a branch's development plan, then reads plan against actual (charts and tables;
phone: cards, PC: tables), downloads the year-end Word document and finds the plan in it, and reads
the forecast, through the menu."""

from __future__ import annotations

import io

import pytest
from docx import Document

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
    assert page.locator("main svg.chart title").count() == 2  # plan against actual, composition
    forecast = page.locator("main .plan-actions a[href*='/planning/forecast']").get_attribute("href")
    journey.click(page.locator("main .plan-actions a[href*='/yearend/']"), step="year-end")
    with page.expect_download() as info:
        page.locator("main .plan-actions a[href*='/yearend/export.docx']").click()
    with open(info.value.path(), "rb") as fh:
        doc = Document(io.BytesIO(fh.read()))
    assert doc.tables[0].rows[1].cells[1].text == planned  # the plan just set, in the Word document
    journey.goto(forecast, step="forecast")
    assert "有望本年度发展" in journey.text() or "本支部暂无发展对象" in journey.text()
