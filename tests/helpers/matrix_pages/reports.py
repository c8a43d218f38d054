"""Permission matrix rows for the reports blueprint (records of branch_a in scope, branch_c out of it)."""

from __future__ import annotations

from learnapp.reports import certificates
from tests.helpers.matrix import ADMINS, COMMITTEE, READERS, ROLES, SIGNED_IN, Page
from tests.helpers.reports import add_claim, add_entry

ABOVE = COMMITTEE | {"auditor"}  # roles whose scope reaches branch_c


def pages(org) -> list[Page]:
    add_entry(org.learner_a, 1200)
    add_claim(org.learner_a, decided_by=org.admin_a)
    add_claim(org.learner_c, decided_by=org.committee_admin)
    cert_a = certificates.issue(org.learner_a, org.learner_a, 2026)
    cert_c = certificates.issue(org.committee_admin, org.learner_c, 2026)
    a, c = org.branch_a.id, org.branch_c.id
    return [
        Page("reports.dashboard", "/reports/?year=2026", READERS),
        Page("reports.dashboard", f"/reports/?year=2026&branch={c}", ABOVE, note="branch param other"),
        Page("reports.branch", f"/reports/branches/{a}?year=2026", READERS, note="own branch"),
        Page("reports.branch", f"/reports/branches/{c}?year=2026", ABOVE, note="other branch"),
        Page("reports.tests", "/reports/tests?year=2026", READERS),
        Page("reports.tests", f"/reports/tests?year=2026&branch={c}", ABOVE, note="branch param other"),
        Page("reports.summary", f"/reports/branches/{a}/summary?year=2026", READERS, note="own branch"),
        Page("reports.summary", f"/reports/branches/{c}/summary?year=2026", ABOVE, note="other branch"),
        Page("reports.spot_check", "/reports/spot-check?year=2026&seed=7&n=5", READERS),
        Page("reports.spot_check", f"/reports/spot-check?year=2026&seed=7&branch={c}", ABOVE, note="other"),
        Page("reports.reminders_page", "/reports/reminders?year=2026", READERS),
        Page("reports.reminders_page", f"/reports/reminders?year=2026&branch={c}", ABOVE, note="other"),
        Page("reports.reminders_page", "/reports/reminders?year=2026", ADMINS, method="POST", data={}, note="send"),
        Page("reports.export", "/reports/export.xlsx?year=2026", READERS, note="xlsx"),
        Page("reports.export", "/reports/export.csv?year=2026", READERS, note="csv"),
        Page("reports.export", f"/reports/export.csv?year=2026&branch={c}", ABOVE, note="csv other"),
        Page("reports.export", f"/reports/export.xlsx?year=2026&branch={c}", ABOVE, note="xlsx other"),
        Page("reports.certificate", f"/reports/certificates/{cert_a.id}", SIGNED_IN, note="own branch"),
        Page("reports.certificate", f"/reports/certificates/{cert_c.id}", ABOVE, note="other branch"),
        Page("reports.certificate_issue", f"/reports/people/{org.learner_a.id}/certificates", ADMINS | {"learner"},
             method="POST", data={"year": "2026"}, note="own branch"),
        Page("reports.certificate_issue", f"/reports/people/{org.learner_c.id}/certificates", COMMITTEE,
             method="POST", data={"year": "2026"}, note="other branch"),
        Page("reports.verify", f"/reports/verify?code={cert_a.code}", frozenset(ROLES), note="public"),
    ]
