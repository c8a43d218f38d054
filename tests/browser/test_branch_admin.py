"""The branch admin's journeys: approving a claim, attendance of a lecture, the dashboard, the XLSX 台账."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.helpers.browser import flows

pytestmark = pytest.mark.browser


def test_branch_admin_approves_claim(journey, make_journey, server, tmp_path):
    """The secretary opens the queue, sees the photo, approves; the learner's study hours grow by the credit."""
    learner = make_journey("learner")
    claim = flows.claim_for(journey.size, learner, server, tmp_path)
    before = flows.ledger_total(learner)

    journey.login(server.login_for("branch admin", journey.index))
    journey.open_menu()
    journey.click("#site-nav a[href$='/ledger/queue']", step="queue")
    item = journey.page.locator("article.queue-item").filter(has_text=claim.title)
    assert item.count() == 1, journey.text()[:800]
    assert flows.photo_shows(item.locator("img").first), "the photo does not show"
    journey.click(item.locator(f"a[href$='/ledger/claims/{claim.claim_id}']").first, step="claim")
    journey.page.fill("#note", "照片与说明一致，同意。")
    journey.click(journey.page.locator(f"form[action$='/claims/{claim.claim_id}/approve'] button"), step="approved")
    assert journey.page.locator(".flash-success").count() == 1, journey.text()[:800]

    after = flows.ledger_total(learner)
    learner.shot("my-hours-after-approval")
    assert round(after - before, 2) == float(claim.expected), (before, after, claim.expected)


def test_branch_admin_records_attendance_of_lecture(journey, server):
    """Schedule a lecture for the branch today, tick two people present, save; the page counts them."""
    journey.login(server.login_for("branch admin", journey.index))
    journey.goto("/ledger/activities/new", step="activity-form")
    page = journey.page
    branch = next(e.branch for e in server.logins if e.login_id == journey.login_id)
    title = f"专题党课：学习党章（{journey.size}）"
    page.select_option("#category", "lecture")
    page.fill("#title", title)
    page.fill("#start_date", flows.local_today().isoformat())
    page.fill("#start_time", "00:00")
    page.fill("#end_time", "00:30")
    page.fill("#place", "三楼会议室")
    page.fill("#organiser", "党校 王教授")
    page.select_option("#audience", flows.option_value(page.locator("#audience"), branch))
    journey.submit("main form button[type=submit].primary", step="activity")
    assert re.search(r"/ledger/activities/\d+$", journey.path()), journey.text()[:800]

    boxes = page.locator("form[action$='/attendance'] input[name=present]")
    assert boxes.count() >= 2, "the branch's people should be listed"
    boxes.nth(0).check()
    boxes.nth(1).check()
    journey.click(page.locator("form[action$='/attendance'] button[type=submit]"), step="attendance-saved")
    assert page.locator(".flash-success, .flash-info").count() >= 1, journey.text()[:800]
    assert page.locator("form[action$='/attendance'] input[name=present]:checked").count() == 2
    present = page.locator(".facts dd").nth(6).inner_text() if page.locator(".facts dd").count() > 6 else ""
    assert "2" in present or page.locator("form[action$='/attendance'] td.muted:not(:empty)").count() >= 2
    # The admin's own row is shown but cannot be ticked: someone else records their attendance.
    assert page.locator("form[action$='/attendance'] input[type=checkbox][disabled]").count() == 1

    # The projector screen: the code and a QR code of a signed check-in link on this server.
    journey.goto(journey.path() + "/screen", step="checkin-screen")
    qr = page.locator("img.js-checkin-qr")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle(), timeout=5000)
    assert page.locator(".checkin-big").count() == 1


def test_branch_admin_dashboard_and_xlsx_export(journey, server):
    """The dashboard of the branch, and its XLSX 台账 read back with openpyxl: every person of the page is in it."""
    journey.login(server.login_for("branch admin", journey.index))
    journey.open_menu()
    journey.click("#site-nav a[href='/reports/']", step="dashboard")
    page = journey.page
    with page.expect_download() as info:
        page.locator("main a[href*='/reports/export.xlsx']").first.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None}
    branch = next(e.branch for e in server.logins if e.login_id == journey.login_id)
    assert any(branch in cell for cell in cells), f"{branch} missing from the export"
    learner_login = server.login_for("learner", journey.index)
    assert learner_login in cells or any(learner_login in c for c in cells), "the branch's learner is missing"

    branch_link = page.locator("main a[href*='/reports/branches/']").filter(has_text=branch).first
    journey.click(branch_link, step="branch-page")
    assert branch in journey.text("main h1")
