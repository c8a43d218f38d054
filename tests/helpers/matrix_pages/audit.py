"""Every endpoint of the audit blueprint, for the permission matrix."""

from __future__ import annotations

from learnapp import audit
from learnapp.security import SYSTEM
from tests.helpers.matrix import COMMITTEE, READERS, Page

COMMITTEE_READERS = COMMITTEE | {"auditor"}


def pages(org) -> list[Page]:
    in_a = audit.record(org.committee_admin, "user.update", org.learner_a, branch=org.branch_a, summary="a",
                        before={"name": "旧"}, after={"name": "新"})
    in_c = audit.record(org.committee_admin, "user.update", org.learner_c, branch=org.branch_c, summary="c")
    system = audit.record(SYSTEM, "audit.checkpoint", None, summary="无支部")
    return [
        Page("audit.index", "/audit/", READERS),
        Page("audit.index", f"/audit/?target=users:{org.learner_a.id}", READERS, note="person a"),
        Page("audit.index", f"/audit/?target=users:{org.learner_c.id}", COMMITTEE_READERS, note="person c"),
        Page("audit.index", f"/audit/?branch={org.branch_c.id}", COMMITTEE_READERS, note="branch c"),
        Page("audit.export", "/audit/export.csv", READERS),
        Page("audit.entry", f"/audit/{in_a.id}", READERS, note="a"),
        Page("audit.entry", f"/audit/{in_c.id}", COMMITTEE_READERS, note="c"),
        Page("audit.entry", f"/audit/{system.id}", COMMITTEE_READERS, note="no branch"),
        Page("audit.verify", "/audit/verify", COMMITTEE_READERS),
    ]
