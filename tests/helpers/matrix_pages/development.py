"""Permission matrix rows for the development pages: a person's file, recording, filings, lists."""

from __future__ import annotations

import io
from datetime import date

from learnapp.accounts.models import Role, Stage
from learnapp.db import db
from learnapp.development import services
from learnapp.development.models import StepAttachment
from learnapp.ledger import evidence
from tests.helpers import factories
from tests.helpers.development_pages import person_with_history, png_bytes
from tests.helpers.matrix import ADMINS, COMMITTEE, READERS, SIGNED_IN, Page

COMMITTEE_READERS = COMMITTEE | {"auditor"}


def _attach(step) -> StepAttachment:
    checked = evidence.check([("备案表.png", io.BytesIO(png_bytes()))])[0]
    item = StepAttachment(step=step, stored_name=evidence.store(checked), original_name=checked.original_name,
                          content_type=checked.content_type, size_bytes=len(checked.data), sha256=checked.sha256)
    db.session.add(item)
    db.session.flush()
    return item


def pages(org) -> list[Page]:
    a = org.learner_a  # the learner role itself; contact_a is their training contact
    a_new = person_with_history(org.branch_a)
    b_new = person_with_history(org.branch_a)
    admin_c = factories.make_user(org.branch_c, Stage.full_member, login_id="admin_c", roles=[(Role.branch_admin, org.branch_c)])
    c_new = person_with_history(org.branch_c)
    step_a = services.record_step(org.admin_a, a_new, "activist_filed", date(2026, 6, 10))
    step_b = services.record_step(org.admin_a, b_new, "activist_filed", date(2026, 6, 10))
    step_c = services.record_step(admin_c, c_new, "activist_filed", date(2026, 6, 10))
    file_a, file_c = _attach(step_a), _attach(step_c)
    # A person of branch a who administers general branch 1: above admin_a.
    boss = person_with_history(org.branch_a, login_id="boss_a")
    db.session.add(factories.RoleGrant(user=boss, role=Role.branch_admin, branch=org.general1))
    db.session.flush()
    a_id, c_id = a_new.id, c_new.id
    note = {"done_on": "2026-06-10", "note": "表现良好"}
    numbers = {"talk_within_months": 1, "activist_min_months": 18, "activist_exam_every_months": 6,
               "training_min_days": 3, "training_min_hours": 24, "approval_within_months": 3, "probation_months": 12,
               "probation_exam_every_months": 6, "extension_min_months": 6, "extension_max_months": 12,
               "extensions_max": 1, "note": "更严格"}
    return [
        Page("development.mine", "/development/mine", SIGNED_IN),
        Page("development.person", f"/development/people/{a.id}", SIGNED_IN, note="the learner, contact's person"),
        Page("development.person", f"/development/people/{a_id}", READERS, note="a"),
        Page("development.person", f"/development/people/{c_id}", COMMITTEE_READERS, note="c"),
        Page("development.record", f"/development/people/{a_id}/record/activist_examined", ADMINS, note="a"),
        Page("development.record", f"/development/people/{a_id}/record/activist_examined", ADMINS, "POST", note, note="a post"),
        Page("development.record", f"/development/people/{c_id}/record/activist_examined", COMMITTEE, note="c"),
        Page("development.record", f"/development/people/{c_id}/record/activist_examined", COMMITTEE, "POST", note,
             note="c post"),
        Page("development.record", f"/development/people/{a.id}/record/application", ADMINS | {"learner"},
             note="own application"),
        Page("development.record", f"/development/people/{a.id}/record/target_contact_opinion", ADMINS | {"contact"},
             note="contact's step"),
        Page("development.record", f"/development/people/{boss.id}/record/activist_examined",
             {"general_admin", "committee_admin"}, note="higher-privileged person"),
        Page("development.record", f"/development/people/{a_id}/record/no_such_step", frozenset(), note="unknown step"),
        Page("development.filing_new", "/development/filings/new", ADMINS),
        Page("development.filing_new", "/development/filings/new?code=target_filed", ADMINS, note="targets"),
        Page("development.filing_new", "/development/filings/new", ADMINS, "POST",
             {"person_id": str(c_id), "done_on": "2026-06-12"}, note="tampered: c"),
        Page("development.filings", "/development/filings", READERS),
        Page("development.accept_batch", "/development/filings/accept", COMMITTEE, "POST", {"step_id": str(step_b.id)}),
        Page("development.accept", f"/development/steps/{step_a.id}/accept", COMMITTEE, "POST", note="a"),
        Page("development.return_step", f"/development/steps/{step_c.id}/return", COMMITTEE, "POST",
             {"reason": "材料不全"}, note="c"),
        Page("development.attachment", f"/development/attachments/{file_a.id}", READERS, note="a"),
        Page("development.attachment", f"/development/attachments/{file_c.id}", COMMITTEE_READERS, note="c"),
        Page("development.index", "/development/", READERS),
        Page("development.index", f"/development/?branch={org.branch_a.id}", READERS, note="branch a"),
        Page("development.index", f"/development/?branch={org.branch_c.id}", COMMITTEE_READERS, note="branch c"),
        # The compliance report and its export.
        Page("development.compliance_report", "/development/compliance", READERS),
        Page("development.compliance_report", f"/development/compliance?branch={org.branch_a.id}&kind=rule&year=2026",
             READERS, note="branch a"),
        Page("development.compliance_report", f"/development/compliance?branch={org.branch_c.id}", COMMITTEE_READERS,
             note="branch c"),
        Page("development.compliance_export", "/development/compliance.xlsx", READERS),
        Page("development.compliance_export", f"/development/compliance.xlsx?branch={org.branch_a.id}", READERS,
             note="branch a"),
        Page("development.compliance_export", f"/development/compliance.xlsx?branch={org.branch_c.id}",
             COMMITTEE_READERS, note="branch c"),
        # The rules pages (dev1).
        Page("development.rules", "/development/rules", COMMITTEE_READERS),
        Page("development.rules_edit", "/development/rules/edit", COMMITTEE),
        Page("development.rules_edit", "/development/rules/edit", COMMITTEE, "POST", numbers),
    ]
