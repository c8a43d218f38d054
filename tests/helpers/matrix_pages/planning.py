"""Permission matrix rows for the development plan pages."""

from __future__ import annotations

from datetime import date

from learnapp.planning import services
from tests.helpers.matrix import ADMINS, COMMITTEE, READERS, Page

COMMITTEE_READERS = COMMITTEE | {"auditor"}


def pages(org) -> list[Page]:
    a, c = org.branch_a.id, org.branch_c.id
    proposal_a = services.propose_plan(org.admin_a, org.branch_a, 2026, 2, {})
    proposal_c = services.propose_plan(org.committee_admin, org.branch_c, 2026, 2, {})  # its own: never approvable
    form = {"planned": "3", "target_women": "1", "note": ""}
    year = date(2026, 1, 1).year
    return [
        Page("planning.index", "/planning/", READERS),
        Page("planning.index", f"/planning/?branch={a}&year={year}", READERS, note="a"),
        Page("planning.index", f"/planning/?branch={c}", COMMITTEE_READERS, note="c"),
        Page("planning.export", f"/planning/export.xlsx?branch={a}&year={year}", READERS, note="a"),
        Page("planning.export", f"/planning/export.xlsx?branch={c}&year={year}", COMMITTEE_READERS, note="c"),
        Page("planning.people", f"/planning/people?branch={a}&measure=developed&category=women", READERS, note="a"),
        Page("planning.people", f"/planning/people?branch={c}&measure=full_members", COMMITTEE_READERS, note="c"),
        Page("planning.forecast_page", f"/planning/forecast?branch={a}", READERS, note="a"),
        Page("planning.forecast_page", f"/planning/forecast?branch={c}", COMMITTEE_READERS, note="c"),
        Page("planning.plan", f"/planning/branches/{a}/{year}", READERS, note="a"),
        Page("planning.plan", f"/planning/branches/{c}/{year}", COMMITTEE_READERS, note="c"),
        Page("planning.edit", f"/planning/branches/{a}/{year}/edit", ADMINS, note="a"),
        Page("planning.edit", f"/planning/branches/{a}/{year}/edit", ADMINS, "POST", form, note="a post"),
        Page("planning.edit", f"/planning/branches/{c}/{year}/edit", COMMITTEE, note="c"),
        Page("planning.edit", f"/planning/branches/{c}/{year}/edit", COMMITTEE, "POST", form, note="c post"),
        Page("planning.approve", f"/planning/plans/{proposal_a.id}/approve", COMMITTEE, "POST", note="a"),
        Page("planning.approve", f"/planning/plans/{proposal_c.id}/approve", COMMITTEE, "POST", note="c, refused: flashed"),
    ]
