"""Every endpoint of the development rules pages, for the permission matrix (dev4 adds the others)."""

from __future__ import annotations

from tests.matrix import COMMITTEE, Page

COMMITTEE_READERS = COMMITTEE | {"auditor"}


def pages(org) -> list[Page]:
    numbers = {"talk_within_months": 1, "activist_min_months": 18, "activist_exam_every_months": 6,
               "training_min_days": 3, "training_min_hours": 24, "approval_within_months": 3, "probation_months": 12,
               "probation_exam_every_months": 6, "extension_min_months": 6, "extension_max_months": 12,
               "extensions_max": 1, "note": "更严格"}
    return [
        Page("development.rules", "/development/rules", COMMITTEE_READERS),
        Page("development.rules_edit", "/development/rules/edit", COMMITTEE),
        Page("development.rules_edit", "/development/rules/edit", COMMITTEE, "POST", numbers),
    ]
