"""Audit log pages: scope, filters, entry detail, chain verification, CSV export."""

from __future__ import annotations

from sqlalchemy import update

from learnapp import audit
from learnapp.audit.models import AuditEntry
from learnapp.auditlog.queries import diff
from learnapp.security import SYSTEM


def _text(response) -> str:
    return response.get_data(as_text=True)


def _entries(org, db, clock):
    a = audit.record(org.admin_a, "user.update", org.learner_a, branch=org.branch_a, summary="甲的改动",
                     before={"name": "旧名", "phone": None}, after={"name": "新名", "phone": "13800138000"})
    clock.advance(days=2)
    c = audit.record(org.committee_admin, "branch.rename", org.branch_c, branch=org.branch_c, summary="丙的改动",
                     before={"name": "丙"}, after={"name": "丙丙"})
    clock.advance(days=2)
    s = audit.record(SYSTEM, "system.check", None, summary="系统的事")
    db.session.commit()
    return a, c, s


def test_branch_admin_sees_only_their_subtree(client, org, login, db, clock):
    _entries(org, db, clock)
    login(org.admin_g1)
    page = _text(client.get("/audit/"))
    assert "甲的改动" in page and "丙的改动" not in page and "系统的事" not in page
    assert "/audit/verify" not in page
    login(org.auditor)
    page = _text(client.get("/audit/"))
    assert "甲的改动" in page and "丙的改动" in page and "系统的事" in page


def test_filters(client, org, login, db, clock):
    _entries(org, db, clock)
    login(org.committee_admin)

    def shown(query):
        page = _text(client.get("/audit/?" + query))
        return {s for s in ("甲的改动", "丙的改动", "系统的事") if s in page}

    assert shown("action=branch.rename") == {"丙的改动"}
    assert shown("actor=admin_a") == {"甲的改动"}
    assert shown("target_type=users") == {"甲的改动"}
    assert shown("date_from=2026-06-16&date_to=2026-06-18") == {"丙的改动"}
    assert shown("date_to=2026-06-15") == {"甲的改动"}
    assert shown("text=系统") == {"系统的事"}
    assert shown(f"branch={org.general2.id}") == {"丙的改动"}
    assert shown(f"target=users:{org.learner_a.id}") == {"甲的改动"}
    assert shown("date_from=not-a-date") == {"甲的改动", "丙的改动", "系统的事"}


def test_pagination(client, org, login, db, clock):
    for n in range(55):
        audit.record(org.committee_admin, "user.update", org.learner_a, branch=org.branch_a, summary=f"第{n:02d}条")
    db.session.commit()
    login(org.committee_admin)
    assert "第54条" in _text(client.get("/audit/")) and "第00条" not in _text(client.get("/audit/"))
    assert "第00条" in _text(client.get("/audit/?page=2"))


def test_entry_detail_shows_before_and_after(client, org, login, db, clock):
    a, c, _s = _entries(org, db, clock)
    login(org.admin_a)
    page = _text(client.get(f"/audit/{a.id}"))
    assert "<del>旧名</del>" in page and "<ins>新名</ins>" in page and a.hash in page
    assert f"/people/{org.learner_a.id}" in page
    assert client.get(f"/audit/{c.id}").status_code == 404


def test_diff_rows():
    rows, rest = diff({"before": {"a": 1, "b": 2}, "after": {"b": 3, "c": 4}, "note": "x"})
    assert [(r.key, r.before, r.after, r.changed) for r in rows] == [("a", 1, None, True), ("b", 2, 3, True), ("c", None, 4, True)]
    assert rest == {"note": "x"}


def test_verify_reports_intact_and_broken_chains(client, org, login, db, clock):
    a, _c, _s = _entries(org, db, clock)
    login(org.auditor)
    page = _text(client.get("/audit/verify"))
    assert "result-ok" in page
    db.session.execute(update(AuditEntry).where(AuditEntry.id == a.id).values(summary="篡改"))
    db.session.commit()
    page = _text(client.get("/audit/verify"))
    assert "result-bad" in page and f"{a.seq}" in page
    login(org.admin_a)
    assert client.get("/audit/verify").status_code == 403


def test_export_csv_is_scoped(client, org, login, db, clock):
    _entries(org, db, clock)
    login(org.admin_a)
    response = client.get("/audit/export.csv")
    body = response.data.decode("utf-8-sig")
    assert response.mimetype == "text/csv" and "甲的改动" in body and "丙的改动" not in body


def test_override_badge(client, org, login, db, clock):
    audit.record(org.admin_a, "user.stage", org.learner_a, branch=org.branch_a, summary="破格",
                 override=[{"rule": "activist_year", "message": "不足一年"}])
    db.session.commit()
    login(org.committee_admin)
    assert "badge warn" in _text(client.get("/audit/"))
