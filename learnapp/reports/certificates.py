"""Annual study records (学时证明): issue a frozen, signed snapshot; verify it on a public page."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from learnapp import audit, clock
from learnapp.accounts.models import STAGE_CHINESE, User
from learnapp.db import db
from learnapp.ledger import queries as ledger_queries
from learnapp.ledger.models import LedgerEntry
from learnapp.ledger.rules import rules_for_year
from learnapp.org.queries import full_names
from learnapp.reports.models import StudyCertificate

# No 0/O, 1/I/L: codes are typed in from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31^12 ≈ 2^59 codes; the verification page is rate-limited on top
SCHEMA = 1
LEDGER_KEYS = ("year", "total", "online", "offline", "lines")


def canonical(user: User, year: int) -> dict:
    """The record's content as printed: person, year, totals and every ledger line, in a fixed order."""
    rows = db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.user_id == user.id, LedgerEntry.year == year)
        .order_by(LedgerEntry.occurred_on, LedgerEntry.id)
    ).all()
    summary = ledger_queries.year_summary(user.id, year)
    return {
        "schema": SCHEMA,
        "person": {"id": user.id, "login_id": user.login_id, "name": user.name,
                   "branch": full_names().get(user.branch_id, ""), "stage": STAGE_CHINESE[user.stage]},
        "year": year,
        "requirement": rules_for_year(year).requirement_for(user),
        "total": summary["total"], "online": summary["online"], "offline": summary["offline"],
        "lines": [
            {"id": e.id, "on": e.occurred_on.isoformat(), "category": e.category.value, "credit": e.credit_hundredths,
             "minutes": e.minutes, "source": e.source_type, "reason": e.reason or "", "reverses": e.reverses_id}
            for e in rows
        ],
    }


def canonical_text(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sign(code: str, user_id: int, year: int, digest: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, f"learnapp-certificate|{code}|{user_id}|{year}|{digest}".encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    while True:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        code = "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))
        if not db.session.scalar(select(StudyCertificate.id).where(StudyCertificate.code == code)):
            return code


def normalise_code(raw: str | None) -> str | None:
    """'abcd efgh-jkmn' → 'ABCD-EFGH-JKMN'; None when it cannot be a code."""
    letters = re.sub(r"[^0-9A-Za-z]", "", raw or "").upper()
    if len(letters) != CODE_LENGTH or any(ch not in ALPHABET for ch in letters):
        return None
    return "-".join(letters[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def issue(actor, user: User, year: int) -> StudyCertificate:
    """Freeze the person's record of the year into a signed certificate (audited)."""
    text = canonical_text(canonical(user, year))
    digest = _digest(text)
    code = _new_code()
    cert = StudyCertificate(code=code, user_id=user.id, year=year, snapshot=text, snapshot_sha256=digest,
                            signature=_sign(code, user.id, year, digest), issued_by_id=getattr(actor, "id", None),
                            issued_at=clock.now())
    db.session.add(cert)
    db.session.flush()
    audit.record(actor, "certificate.issue", cert, branch=user.branch, summary=f"{user.name} · {year} · {code}",
                 after={"code": code, "year": year, "sha256": digest})
    return cert


def certificates_of(user_id: int) -> list[StudyCertificate]:
    return list(db.session.scalars(select(StudyCertificate).where(StudyCertificate.user_id == user_id)
                                   .order_by(StudyCertificate.issued_at.desc(), StudyCertificate.id.desc())))


@dataclass
class Verification:
    code: str
    certificate: StudyCertificate | None
    genuine: bool = False  # signature and digest hold: the stored record is what was issued
    unchanged: bool = False  # the ledger today still gives the same record
    content: dict | None = None

    @property
    def found(self) -> bool:
        return self.certificate is not None


def content_of(cert: StudyCertificate) -> dict:
    return json.loads(cert.snapshot)


def verify(code: str) -> Verification:
    """Check a code: the certificate exists, is untampered, and still matches the ledger."""
    cert = db.session.scalar(select(StudyCertificate).where(StudyCertificate.code == code))
    result = Verification(code, cert)
    if cert is None:
        return result
    digest = _digest(cert.snapshot)
    expected = _sign(cert.code, cert.user_id, cert.year, cert.snapshot_sha256)
    result.genuine = digest == cert.snapshot_sha256 and hmac.compare_digest(expected, cert.signature)
    if result.genuine:
        result.content = content_of(cert)
        user = db.session.get(User, cert.user_id)
        # "Unchanged" is about the study record: a later promotion or move to another branch
        # does not make the hours printed on the certificate wrong.
        current = canonical(user, cert.year) if user else {}
        result.unchanged = all(current.get(k) == result.content.get(k) for k in LEDGER_KEYS)
    return result
