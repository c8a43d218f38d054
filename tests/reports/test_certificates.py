"""Printable study records: issued with a code, verified on a public page, alterations detected."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlalchemy import select, update

from learnapp.audit.models import AuditEntry
from learnapp.db import db
from learnapp.reports import certificates
from learnapp.reports.models import StudyCertificate
from tests.helpers.reports import add_claim, add_entry


def _issue(org):
    add_entry(org.learner_a, 1250)
    add_claim(org.learner_a, decided_by=org.admin_a, on=date(2026, 4, 2))
    cert = certificates.issue(org.admin_a, org.learner_a, 2026)
    db.session.commit()
    return cert


def test_issue_and_verify(app, clock, org):
    cert = _issue(org)
    assert certificates.normalise_code(cert.code.lower().replace("-", " ")) == cert.code
    result = certificates.verify(cert.code)
    assert result.found and result.genuine and result.unchanged
    assert result.content["total"] == 1650 and len(result.content["lines"]) == 2
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "certificate.issue"))


def test_altered_snapshot_is_detected(app, clock, org):
    cert = _issue(org)
    content = json.loads(cert.snapshot)
    content["total"] = 5000  # someone edits the stored record to show the requirement met
    db.session.execute(update(StudyCertificate).where(StudyCertificate.id == cert.id)
                       .values(snapshot=certificates.canonical_text(content)))
    db.session.commit()
    assert certificates.verify(cert.code).genuine is False
    # Recomputing the digest too does not help without the secret key.
    text = certificates.canonical_text(content)
    db.session.execute(update(StudyCertificate).where(StudyCertificate.id == cert.id)
                       .values(snapshot_sha256=hashlib.sha256(text.encode()).hexdigest()))
    db.session.commit()
    assert certificates.verify(cert.code).genuine is False


def test_ledger_change_after_issue_shows(app, clock, org, client):
    cert = _issue(org)
    add_entry(org.learner_a, 100, on=date(2026, 6, 1))
    db.session.commit()
    result = certificates.verify(cert.code)
    assert result.genuine and not result.unchanged
    page = client.get(f"/reports/verify?code={cert.code}").get_data(as_text=True)
    assert "Genuine, but" in page or "但" in page


def test_public_verification_page(app, clock, org, client):
    cert = _issue(org)
    ok = client.get(f"/reports/verify?code={cert.code.lower()}")
    assert ok.status_code == 200
    text = ok.get_data(as_text=True)
    assert org.learner_a.name in text and "16.5" in text
    missing = client.get("/reports/verify?code=AAAA-BBBB-CCCC").get_data(as_text=True)
    assert org.learner_a.name not in missing
    assert client.get("/reports/verify?code=xyz").status_code == 400
    assert client.get("/reports/verify").status_code == 200


def test_printable_page_and_issue_view(app, clock, org, client, login):
    add_entry(org.learner_a, 1250)
    db.session.commit()
    login(org.learner_a)
    response = client.post(f"/reports/people/{org.learner_a.id}/certificates", data={"year": "2026"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    cert = db.session.scalar(select(StudyCertificate))
    assert cert.code in page and "学时证明" in page and "12.5" in page
    # Another learner can neither issue nor read it.
    login(org.learner_b)
    assert client.get(f"/reports/certificates/{cert.id}").status_code == 404
    assert client.post(f"/reports/people/{org.learner_a.id}/certificates", data={"year": "2026"}).status_code == 404
    # The contact reads it but does not issue records.
    login(org.contact_a)
    assert client.get(f"/reports/certificates/{cert.id}").status_code == 200
    assert client.post(f"/reports/people/{org.learner_a.id}/certificates", data={"year": "2026"}).status_code == 403


def test_printed_labels_read_once_in_the_page_language(app, clock, org, client, login):
    """Each label of the printed record says its word once: "姓名", not "姓名 · 姓名"; in English, English."""
    import re

    cert = _issue(org)
    login(org.learner_a)
    chinese = client.get(f"/reports/certificates/{cert.id}").get_data(as_text=True)
    labels = re.findall(r"<dt>(.*?)</dt>", chinese)
    assert labels[:5] == ["姓名", "支部", "发展阶段", "要求学时", "已获学时"]
    assert "·" not in "".join(labels)
    assert "2026 年度学时证明" in chinese and "出具时间" in chinese and "合计" in chinese
    client.post("/language", data={"locale": "en", "next": "/"})
    english = client.get(f"/reports/certificates/{cert.id}").get_data(as_text=True)
    assert re.findall(r"<dt>(.*?)</dt>", english)[:2] == ["Name", "Branch"]
    assert "姓名" not in english and "Annual study record 2026" in english


def test_printed_lines_name_what_earned_them(app, clock, org, client, login):
    claim = add_claim(org.learner_a, decided_by=org.admin_a, on=date(2026, 4, 2))
    db.session.commit()
    cert = certificates.issue(org.admin_a, org.learner_a, 2026)
    db.session.commit()
    login(org.learner_a)
    page = client.get(f"/reports/certificates/{cert.id}").get_data(as_text=True)
    assert f"：{claim.title}" in page or f": {claim.title}" in page
