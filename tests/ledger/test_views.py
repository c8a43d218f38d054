"""Pages: the learner's progress, the claim journey with evidence, queue, activities, rules, year close."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time

from learnapp.ledger import queries, services
from learnapp.ledger.models import Category, CreditRuleSet, LedgerEntry
from learnapp.ledger.offline_models import Activity, Claim, ClaimStatus
from learnapp.ledger.rules import template_text
from learnapp.security import SYSTEM
from tests.helpers.ledger import png_bytes, submit


def _claim_form(**over):
    data = {"category": "red_education_visit", "title": "参观革命历史纪念馆", "place": "市博物馆",
            "start_date": "2026-06-13", "start_time": "09:00", "end_time": "11:30", "description": "支部组织参观",
            "evidence": (io.BytesIO(png_bytes()), "museum.png")}
    data.update(over)
    return data


def test_museum_claim_journey_moves_progress(client, org, login, db):
    services.save_rules(SYSTEM, template_text(2026), source_name="t")
    db.session.commit()
    login(org.learner_a)
    page = client.get("/ledger/").get_data(as_text=True)
    assert "<progress" in page and "<svg" in page
    response = client.post("/ledger/claims/new", data=_claim_form(), content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    claim = db.session.scalar(db.select(Claim))
    assert claim.status == ClaimStatus.pending and len(claim.evidence) == 1
    # The evidence is served to the owner with the right headers …
    ev = client.get(f"/ledger/evidence/{claim.evidence[0].id}")
    assert ev.status_code == 200 and ev.data == png_bytes()
    assert ev.headers["X-Content-Type-Options"] == "nosniff"
    assert "museum.png" in ev.headers["Content-Disposition"] and ev.headers["Content-Type"] == "image/png"
    # … not to someone else's learner or a branch admin elsewhere.
    login(org.learner_b)
    assert client.get(f"/ledger/evidence/{claim.evidence[0].id}").status_code == 404
    assert client.get(f"/ledger/claims/{claim.id}").status_code == 404
    login(org.contact_a)
    assert client.get(f"/ledger/evidence/{claim.evidence[0].id}").status_code == 200
    login(org.admin_a)
    queue = client.get("/ledger/queue").get_data(as_text=True)
    assert "参观革命历史纪念馆" in queue
    assert client.post(f"/ledger/claims/{claim.id}/approve", data={"note": "属实"}).status_code == 302
    assert queries.year_total(org.learner_a.id, 2026) == 400
    login(org.learner_a)
    page = client.get("/ledger/").get_data(as_text=True)
    assert 'value="400"' in page and "4</strong> / 50" in page
    home = client.get("/").get_data(as_text=True)
    assert "ledger-panel" in home


def test_claim_form_errors_shown_on_fields(client, org, login, db):
    login(org.learner_a)
    bad = _claim_form(end_time="08:00", evidence=(io.BytesIO(b"GIF89a..."), "x.png"))
    page = client.post("/ledger/claims/new", data=bad, content_type="multipart/form-data")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('class="error"') >= 1
    assert db.session.scalar(db.select(db.func.count(Claim.id))) == 0
    bad = _claim_form(evidence=(io.BytesIO(b"GIF89a..."), "x.png"))
    page = client.post("/ledger/claims/new", data=bad, content_type="multipart/form-data")
    assert "x.png" in page.get_data(as_text=True) and db.session.scalar(db.select(db.func.count(Claim.id))) == 0


def test_withdraw_and_reject_with_reason(client, org, login, db):
    claim = submit(org.learner_a)
    db.session.commit()
    login(org.admin_a)
    assert client.post(f"/ledger/claims/{claim.id}/reject", data={"reason": ""}).status_code == 302
    assert db.session.get(Claim, claim.id).status == ClaimStatus.pending
    client.post(f"/ledger/claims/{claim.id}/reject", data={"reason": "证明材料不全"})
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).status == ClaimStatus.rejected
    other = submit(org.learner_a, title="another")
    db.session.commit()
    login(org.learner_a)
    assert client.post(f"/ledger/claims/{other.id}/withdraw").status_code == 302
    db.session.expire_all()
    assert db.session.get(Claim, other.id).status == ClaimStatus.withdrawn
    page = client.get(f"/ledger/claims/{claim.id}").get_data(as_text=True)
    assert "证明材料不全" in page


def test_bulk_approve_page(client, org, login, db):
    a = submit(org.learner_a)
    b = submit(org.learner_a, title="b", start=time(14, 0), end=time(15, 0))
    db.session.commit()
    login(org.admin_a)
    assert client.post("/ledger/queue/approve", data={"claim_id": [str(a.id), str(b.id)]}).status_code == 302
    assert queries.year_total(org.learner_a.id, 2026) == 800


def test_activity_pages_roster_and_checkin(client, org, login, db, clock):
    login(org.admin_a)
    form = {"branch_id": org.branch_a.id, "category": "lecture", "title": "专题党课", "start_date": "2026-06-15",
            "start_time": "09:00", "end_time": "11:30", "audience": [org.branch_a.id], "place": "会议室"}
    response = client.post("/ledger/activities/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    activity = db.session.scalar(db.select(Activity))
    page = client.get(f"/ledger/activities/{activity.id}").get_data(as_text=True)
    assert org.learner_a.name in page and org.learner_c.name not in page
    client.post(f"/ledger/activities/{activity.id}/attendance", data={"present": [str(org.learner_a.id)]})
    assert queries.year_total(org.learner_a.id, 2026) == 400
    screen = client.get(f"/ledger/activities/{activity.id}/screen").get_data(as_text=True)
    assert activity.checkin_code[:3] in screen
    assert client.get(f"/ledger/activities/{activity.id}/count.json").get_json() == {"present": 1}
    assert client.get(f"/ledger/activities/{activity.id}/sheet.xlsx").data.startswith(b"PK")
    # The contact checks in with the code at 10:00 local time.
    clock.set(datetime(2026, 6, 15, 2, 0, tzinfo=UTC))
    login(org.contact_a)
    response = client.post("/ledger/checkin", data={"code": activity.checkin_code})
    assert response.status_code == 302
    assert queries.year_total(org.contact_a.id, 2026) == 400
    page = client.post("/ledger/checkin", data={"code": "12345"}).get_data(as_text=True)
    assert 'class="error"' in page


def test_activity_form_errors(client, org, login, db):
    login(org.admin_a)
    form = {"branch_id": org.branch_a.id, "category": "lecture", "title": "", "start_date": "2026-06-15",
            "start_time": "11:00", "end_time": "09:00", "audience": [org.branch_a.id]}
    page = client.post("/ledger/activities/new", data=form)
    assert page.status_code == 200 and db.session.scalar(db.select(db.func.count(Activity.id))) == 0


def test_adjustment_and_reversal_pages(client, org, login, db):
    login(org.admin_a)
    page = client.post("/ledger/adjustments", data={"login_id": "learner_a", "credit": "1.255", "occurred_on": "2026-06-01",
                                                    "reason": "x"})
    assert page.status_code == 200 and "error" in page.get_data(as_text=True)
    page = client.post("/ledger/adjustments", data={"login_id": "learner_c", "credit": "2", "occurred_on": "2026-06-01",
                                                    "reason": "x"})
    assert page.status_code == 200  # learner_c is outside branch_a
    client.post("/ledger/adjustments", data={"login_id": "learner_a", "credit": "2.5", "occurred_on": "2026-06-01",
                                             "reason": "补录党校培训"})
    assert queries.year_total(org.learner_a.id, 2026) == 250
    entry = db.session.scalar(db.select(LedgerEntry))
    page = client.get(f"/ledger/people/{org.learner_a.id}").get_data(as_text=True)
    assert "补录党校培训" in page and f"/ledger/entries/{entry.id}/reverse" in page
    client.post(f"/ledger/entries/{entry.id}/reverse", data={"reason": "录入错误"})
    assert queries.year_total(org.learner_a.id, 2026) == 0
    login(org.learner_b)
    assert client.get(f"/ledger/people/{org.learner_a.id}").status_code == 404


def test_rules_editor_shows_line_and_saves_versions(client, org, login, db):
    login(org.committee_admin)
    page = client.get("/ledger/rules/2026/edit").get_data(as_text=True)
    assert "year: 2026" in page
    bad = client.post("/ledger/rules/2026/edit", data={"source_text": "year: 2026\ncaps:\n  daily: 3\n", "note": "t"})
    assert bad.status_code == 200 and "3" in bad.get_data(as_text=True) and "caps.daily" in bad.get_data(as_text=True)
    wrong_year = client.post("/ledger/rules/2026/edit", data={"source_text": "year: 2027\n", "note": "t"})
    assert wrong_year.status_code == 200
    assert db.session.scalar(db.select(db.func.count(CreditRuleSet.id))) == 0
    ok = client.post("/ledger/rules/2026/edit", data={"source_text": template_text(2026), "note": "首次"})
    assert ok.status_code == 302
    page = client.get("/ledger/rules/2026").get_data(as_text=True)
    assert "首次" in page
    assert client.get("/ledger/rules").status_code == 200


def test_year_close_pages(client, org, login, db):
    services.save_rules(SYSTEM, template_text(2025), source_name="t")
    services.grant(SYSTEM, org.learner_a, category=Category.lecture, credit_hundredths=5800, occurred_on=date(2025, 5, 1),
                   source_type="activity", source_id=1)
    db.session.commit()
    login(org.committee_admin)
    page = client.get("/ledger/years/2025").get_data(as_text=True)
    assert org.learner_a.name in page
    assert client.post("/ledger/years/2025/close").status_code == 302
    assert queries.year_total(org.learner_a.id, 2026) == 800
    assert client.post("/ledger/years/2025/reopen", data={"reason": ""}).status_code == 302
    assert services.is_year_closed(2025)
    client.post("/ledger/years/2025/reopen", data={"reason": "补录"})
    assert not services.is_year_closed(2025)
    assert client.get("/ledger/years").status_code == 200


def test_evidence_reads_by_others_are_audited(client, org, login, db):
    from learnapp.audit.models import AuditEntry

    claim = submit(org.learner_a)
    db.session.commit()
    evidence_id = claim.evidence[0].id
    login(org.learner_a)
    assert client.get(f"/ledger/evidence/{evidence_id}").status_code == 200  # the owner's own: not logged
    login(org.admin_a)
    assert client.get(f"/ledger/evidence/{evidence_id}?download=1").status_code == 200
    db.session.rollback()
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action.like("evidence.%"))).all()
    assert [(e.action, e.actor_id, e.target_id) for e in entries] == [("evidence.download", org.admin_a.id, str(evidence_id))]
