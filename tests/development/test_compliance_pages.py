"""The compliance report page shows its findings a page at a time; the counts and the XLSX hold them all."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from learnapp.db import db
from learnapp.development import views_compliance
from tests.helpers.development import person_up_to


def test_findings_are_paged_and_the_export_holds_them_all(org, client, login, clock, monkeypatch):
    monkeypatch.setattr(views_compliance, "PER_PAGE", 2)
    for i in range(5):  # an application without the talk within a month: one finding each
        person_up_to(org.branch_a, "application", login_id=f"paged{i}")
    db.session.commit()
    login(org.committee_admin)
    seen = []
    for page in (1, 2, 3):
        html = client.get(f"/development/compliance?kind=missing&page={page}").get_data(as_text=True)
        seen += re.findall(r'href="/development/people/(\d+)"', html)
    assert len(seen) == 5 and len(set(seen)) == 5
    last = client.get("/development/compliance?kind=missing&page=99").get_data(as_text=True)
    assert re.findall(r'href="/development/people/(\d+)"', last) == seen[-1:]  # past the end: the last page
    book = load_workbook(io.BytesIO(client.get("/development/compliance.xlsx?kind=missing").data))
    assert book.active.max_row == 1 + 5
