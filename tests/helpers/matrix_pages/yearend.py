"""Permission matrix rows for the year-end pages (branch_a in the branch admins' scope, branch_c not)."""

from __future__ import annotations

from learnapp.security import SYSTEM
from tests.helpers.matrix import COMMITTEE, READERS, Page

COMMITTEE_READERS = COMMITTEE | {"auditor"}
SCHEME = """year: 2026
items:
  hours:
    label: {zh: 学时完成率, en: Completion of the study hours}
    measure: hours_completion
    weight: 100
    full_at: 100
    zero_at: 50
"""


def pages(org) -> list[Page]:
    from learnapp.yearend import scoring

    scoring.save_scheme(SYSTEM, SCHEME, source_name="matrix")
    a, c = org.branch_a.id, org.branch_c.id
    return [
        Page("yearend.index", "/yearend/", READERS),
        Page("yearend.index", f"/yearend/?branch={a}&year=2026", READERS, note="a"),
        Page("yearend.index", f"/yearend/?branch={c}&year=2026", COMMITTEE_READERS, note="c"),
        Page("yearend.export", f"/yearend/export.docx?branch={a}&year=2026", READERS, note="docx a"),
        Page("yearend.export", f"/yearend/export.xlsx?branch={a}&year=2026", READERS, note="xlsx a"),
        Page("yearend.export", f"/yearend/export.docx?branch={c}&year=2026", COMMITTEE_READERS, note="docx c"),
        Page("yearend.export", f"/yearend/export.xlsx?branch={c}&year=2026", COMMITTEE_READERS, note="xlsx c"),
        Page("yearend.scores", "/yearend/scores?year=2026", READERS),
        Page("yearend.scheme", "/yearend/scheme/2026", COMMITTEE_READERS),
        Page("yearend.scheme_edit", "/yearend/scheme/2026/edit", COMMITTEE),
        Page("yearend.scheme_edit", "/yearend/scheme/2026/edit", COMMITTEE, "POST",
             {"source_text": SCHEME.replace("weight: 100", "weight: 90"), "note": ""}, note="post, refused: 400"),
    ]
