"""Plan against actual as XLSX: the same figures as the page, scoped like it, audited."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from learnapp.planning import services
from tests.helpers.planning import admitted


def test_plan_workbook(org, db, client, login, clock):
    services.set_plan(org.committee_admin, org.branch_a, 2026, 4, {"women": 2})
    admitted(org.branch_a, date(2026, 3, 1), "pw", gender="女")
    db.session.commit()
    login(org.admin_g1)
    response = client.get(f"/planning/export.xlsx?branch={org.general1.id}&year=2026")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][:5] == ("支部", "年度", "计划发展", "实际发展", "执行率（%）")
    assert rows[2][:5] == ("第一党总支", 2026, 4, 1, 25.0) and rows[3][:5] == ("甲支部", 2026, 4, 1, 25.0)
    composition = list(book.worksheets[1].iter_rows(values_only=True))
    assert ("女性", 1, 100.0, 2, 50.0) in composition
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export.development_plan"))
    assert entry.actor_id == org.admin_g1.id
    assert client.get(f"/planning/export.xlsx?branch={org.branch_c.id}").status_code == 404
