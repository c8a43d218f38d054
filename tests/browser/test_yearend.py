"""The committee admin opens the year-end figures through the menu, reads the sentences and the
tables (phone: cards; PC: tables), downloads the Word document and finds the same figures in it,
then looks at the branches' scores."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document

pytestmark = pytest.mark.browser


def test_committee_admin_reads_and_downloads_the_year_end_figures(journey, server):
    page = journey.page
    journey.login(server.login_for("committee admin", 0))
    journey.open_menu()
    journey.click("#site-nav a[href$='/yearend/']", step="year-end")
    sentences = journey.text("main .yearend-sentences")
    found = re.search(r"今年计划发展(\d+)人，实际发展(\d+)人，计划执行率([\d.]+)%。", sentences)
    assert found, sentences[:400]
    assert page.locator("main svg.chart title").count() == 2
    header = page.locator("table.cards thead").first.bounding_box()
    if journey.phone:  # the header is visually hidden: one card per row
        assert header is None or header["width"] <= 1
    with page.expect_download() as info:
        page.locator("main .plan-actions a[href*='/yearend/export.docx']").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as fh:
        doc = Document(io.BytesIO(fh.read()))
    paragraphs = [p.text for p in doc.paragraphs]
    assert found.group(0) in paragraphs
    plan = doc.tables[0]
    assert [c.text for c in plan.rows[1].cells][1:3] == [found.group(1), found.group(2)]
    journey.click(page.locator("main .plan-actions a[href*='/yearend/scores']"), step="scores")
    assert "学时完成率" in journey.text() and "办公室党支部" in journey.text()
