"""Every endpoint of the register downloads, for the permission matrix."""

from __future__ import annotations

from tests.helpers.matrix import COMMITTEE, READERS, Page

COMMITTEE_READERS = COMMITTEE | {"auditor"}


def pages(org) -> list[Page]:
    return [
        Page("register.index", "/people/register", READERS),
        Page("register.download", "/people/register/export", READERS, "POST",
             {"register-stage": "activist", "register-file_format": "xlsx", "register-branch_id": 0}),
        Page("register.download", "/people/register/export", COMMITTEE_READERS, "POST",
             {"register-stage": "activist", "register-file_format": "csv", "register-branch_id": org.branch_c.id},
             note="branch c"),
        Page("register.filings_download", "/people/register/filings", READERS, "POST",
             {"filings-start": "2026-01-01", "filings-end": "2026-06-15", "filings-branch_id": 0}),
        Page("register.filings_download", "/people/register/filings", COMMITTEE_READERS, "POST",
             {"filings-start": "2026-01-01", "filings-end": "2026-06-15", "filings-branch_id": org.branch_c.id},
             note="branch c"),
    ]
