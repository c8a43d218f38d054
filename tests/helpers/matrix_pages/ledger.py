"""Every page and form of the ledger blueprint, with who may use it (see tests/helpers/matrix.py)."""

from __future__ import annotations

import io
from datetime import date, time

from learnapp.ledger import activities, checkin, claims, services
from learnapp.ledger.models import Category
from learnapp.ledger.schedule import make_schedule
from learnapp.security import SYSTEM
from tests.helpers.ledger import png_bytes
from tests.helpers.matrix import ADMINS, COMMITTEE, SIGNED_IN, Page

RULES_READERS = frozenset({"committee_admin", "auditor"})
NOBODY = frozenset()


def pages(org) -> list[Page]:
    def claim_of(user):
        return claims.submit_claim(user, category="lecture", title="校外党课", schedule=make_schedule(date(2026, 6, 10), time(9), time(11)),
                                   files=[("p.png", io.BytesIO(png_bytes()))])

    def entry_of(user):
        return services.grant(SYSTEM, user, category=Category.lecture, credit_hundredths=400, occurred_on=date(2026, 6, 1),
                              source_type="activity", source_id=0)

    def activity_of(actor, branch):
        return activities.create_activity(actor, branch=branch, category="lecture", title="党课",
                                          schedule=make_schedule(date(2026, 6, 15), time(9), time(11, 30)))

    claim_a, claim_c = claim_of(org.learner_a), claim_of(org.learner_c)
    ev_a, ev_c = claim_a.evidence[0].id, claim_c.evidence[0].id
    entry_a, entry_c = entry_of(org.learner_a), entry_of(org.learner_c)
    act_a, act_c = activity_of(org.admin_a, org.branch_a), activity_of(org.committee_admin, org.branch_c)
    services.grant(SYSTEM, org.learner_a, category=Category.lecture, credit_hundredths=6000, occurred_on=date(2025, 6, 1),
                   source_type="activity", source_id=0)
    ca, cc, aa, ac = claim_a.id, claim_c.id, act_a.id, act_c.id
    result = [
        # learner pages
        Page("ledger.mine", "/ledger/", SIGNED_IN),
        Page("ledger.person", f"/ledger/people/{org.learner_a.id}", SIGNED_IN, note="in scope"),
        Page("ledger.person", f"/ledger/people/{org.learner_c.id}", RULES_READERS, note="branch_c"),
        Page("ledger.new_claim", "/ledger/claims/new", SIGNED_IN),
        Page("ledger.new_claim", "/ledger/claims/new", SIGNED_IN, method="POST", data={"title": ""}),
        Page("ledger.claim", f"/ledger/claims/{ca}", SIGNED_IN, note="in scope"),
        Page("ledger.claim", f"/ledger/claims/{cc}", RULES_READERS, note="branch_c"),
        Page("ledger.evidence", f"/ledger/evidence/{ev_a}", SIGNED_IN, note="in scope"),
        Page("ledger.evidence", f"/ledger/evidence/{ev_c}", RULES_READERS, note="branch_c"),
        Page("ledger.checkin", "/ledger/checkin", SIGNED_IN),
        Page("ledger.checkin", "/ledger/checkin", SIGNED_IN, method="POST", data={"code": "000000"}),
        Page("ledger.checkin_link", f"/ledger/checkin/link/{checkin.qr_token(act_a)}", SIGNED_IN),
        Page("ledger.checkin_link", f"/ledger/checkin/link/{checkin.qr_token(act_a)}", SIGNED_IN, method="POST"),
        # administrators: claims
        Page("ledger.queue", "/ledger/queue", ADMINS),
        Page("ledger.reject_claim", f"/ledger/claims/{cc}/reject", COMMITTEE, method="POST", data={"reason": "x"}, note="branch_c"),
        Page("ledger.approve_claim", f"/ledger/claims/{ca}/approve", ADMINS, method="POST", data={}),
        Page("ledger.approve_claim", f"/ledger/claims/{cc}/approve", COMMITTEE, method="POST", data={}, note="branch_c"),
        Page("ledger.reject_claim", f"/ledger/claims/{ca}/reject", ADMINS, method="POST", data={"reason": "x"}),
        Page("ledger.bulk_approve", "/ledger/queue/approve", ADMINS, method="POST", data={"claim_id": str(ca)}),
        Page("ledger.bulk_approve", "/ledger/queue/approve", COMMITTEE, method="POST", data={"claim_id": str(cc)}, note="branch_c"),
        Page("ledger.withdraw_claim", f"/ledger/claims/{ca}/withdraw", {"learner"}, method="POST"),
        Page("ledger.withdraw_claim", f"/ledger/claims/{cc}/withdraw", NOBODY, method="POST", note="branch_c"),
        Page("ledger.adjustments", "/ledger/adjustments", ADMINS),
        Page("ledger.adjustments", "/ledger/adjustments", ADMINS, method="POST", data={"login_id": "learner_a"}),
        Page("ledger.reverse_entry", f"/ledger/entries/{entry_a.id}/reverse", ADMINS, method="POST", data={"reason": "x"}),
        Page("ledger.reverse_entry", f"/ledger/entries/{entry_c.id}/reverse", COMMITTEE, method="POST", data={"reason": "x"},
             note="branch_c"),
        # activities
        Page("ledger.activities_list", "/ledger/activities", ADMINS),
        Page("ledger.new_activity", "/ledger/activities/new", ADMINS),
        Page("ledger.new_activity", "/ledger/activities/new", ADMINS, method="POST", data={"title": ""}),
    ]
    for aid, allowed, note in ((aa, ADMINS, ""), (ac, COMMITTEE, "branch_c")):
        result += [
            Page("ledger.activity", f"/ledger/activities/{aid}", allowed, note=note),
            Page("ledger.edit_activity", f"/ledger/activities/{aid}/edit", allowed, note=note),
            Page("ledger.edit_activity", f"/ledger/activities/{aid}/edit", allowed, method="POST", data={"title": ""}, note=note),
            Page("ledger.record_attendance", f"/ledger/activities/{aid}/attendance", allowed, method="POST", data={}, note=note),
            Page("ledger.sheet_template", f"/ledger/activities/{aid}/sheet.xlsx", allowed, note=note),
            Page("ledger.upload_sheet", f"/ledger/activities/{aid}/sheet", allowed, method="POST", data={}, note=note),
            Page("ledger.checkin_screen", f"/ledger/activities/{aid}/screen", allowed, note=note),
            Page("ledger.checkin_count", f"/ledger/activities/{aid}/count.json", allowed, note=note),
            Page("ledger.checkin_qr", f"/ledger/activities/{aid}/qr.svg", allowed, note=note),
            Page("ledger.new_code", f"/ledger/activities/{aid}/code", allowed, method="POST", note=note),
            Page("ledger.cancel_activity", f"/ledger/activities/{aid}/cancel", allowed, method="POST", note=note),
        ]
    result += [
        # rules and year close
        Page("ledger.rules_index", "/ledger/rules", RULES_READERS),
        Page("ledger.rules_year", "/ledger/rules/2026", RULES_READERS),
        Page("ledger.rules_edit", "/ledger/rules/2026/edit", COMMITTEE),
        Page("ledger.rules_edit", "/ledger/rules/2026/edit", COMMITTEE, method="POST", data={"source_text": "year: x"}),
        Page("ledger.years_index", "/ledger/years", RULES_READERS),
        Page("ledger.year_detail", "/ledger/years/2025", RULES_READERS),
        Page("ledger.close_year", "/ledger/years/2025/close", COMMITTEE, method="POST"),
        Page("ledger.reopen_year", "/ledger/years/2025/reopen", COMMITTEE, method="POST", data={"reason": "x"}),
    ]
    return result
