"""Plan against actual from recorded steps: counts per subtree, composition, plans summed up the tree."""

from __future__ import annotations

from datetime import date

from learnapp.db import db
from learnapp.development.history import record_history
from learnapp.development.models import StepStatus
from learnapp.planning import actuals, services
from learnapp.security import SYSTEM
from tests.helpers.development import person_up_to
from tests.helpers.planning import admitted


def _people(org):
    woman = admitted(org.branch_a, date(2026, 3, 1), "p_woman", gender="女", birth_date=date(1995, 1, 1),
                     education="大学本科", ethnicity="汉族", job_category="一线")
    man = admitted(org.branch_b, date(2026, 4, 1), "p_man", gender="男", birth_date=date(1980, 1, 1),
                   education="中专", ethnicity="回族", job_category="管理")
    other = admitted(org.branch_c, date(2026, 5, 1), "p_other", gender="女")
    last_year = admitted(org.branch_a, date(2025, 12, 31), "p_2025", gender="女")
    # Full membership of 2026-02-01 by the helper's path: counted as such, not as developed.
    full = person_up_to(org.branch_a, "committee_approval_full", login_id="p_full")
    filed = person_up_to(org.branch_b, "activist_examined", login_id="p_filed")
    record_history(SYSTEM, filed, "activist_filed", date(2026, 1, 10), source="site", audit_entry=False)
    # A submitted approval waiting for the committee is not done: not counted.
    waiting = person_up_to(org.branch_a, "committee_talk", login_id="p_waiting")
    step = record_history(SYSTEM, waiting, "committee_approval_admission", date(2026, 5, 20), source="site",
                          audit_entry=False)
    step.status = StepStatus.submitted
    db.session.flush()
    return woman, man, other, last_year, full, filed


def test_counts_and_composition_of_a_subtree(org, db, clock):
    woman, man, *_rest, full, filed = _people(org)
    services.set_plan(org.committee_admin, org.branch_a, 2026, 2, {"women": 1, "minority": 0})
    services.set_plan(org.committee_admin, org.branch_b, 2026, 2, {"women": 1, "minority": 1})
    total, rows, _found = actuals.rows_for(org.general1, 2026)
    found = actuals.counted(org.general1, 2026)  # the people behind the counts
    assert [c.person.id for c in found["developed"]] == [woman.id, man.id]
    # general1 has no plan of its own: the sum of its branches'.
    assert (total.planned, total.own_plan, total.targets) == (4, False, {"women": 2, "minority": 1})
    assert total.developed == 2 and total.rate == 50.0
    assert total.composition == {"women": 1, "under_35": 1, "college": 1, "frontline": 1, "minority": 1}
    assert total.share("women") == 50.0 and total.target_share("women") == 50.0
    # The org's members of general1 were entered today as full members (their stage's step is dated today).
    entered = {org.admin_a.id, org.admin_g1.id, org.contact_a.id}
    assert {c.person.id for c in found["full_members"]} == {full.id} | entered
    assert total.counts == {"developed": 2, "activists_filed": 1, "targets_filed": 0, "full_members": 4, "extended": 0}
    assert [c.person.id for c in found["activists_filed"]] == [filed.id]
    by_branch = {r.branch.id: r for r in rows}
    assert set(by_branch) == {org.branch_a.id, org.branch_b.id}
    assert (by_branch[org.branch_a.id].planned, by_branch[org.branch_a.id].developed) == (2, 1)
    assert by_branch[org.branch_a.id].rate == 50.0 and by_branch[org.branch_a.id].own_plan


def test_the_committee_total_and_its_own_plan(org, db, clock):
    _people(org)
    services.set_plan(org.committee_admin, org.branch_a, 2026, 2, {})
    services.set_plan(org.committee_admin, org.committee, 2026, 8, {"women": 4})
    total, rows, _found = actuals.rows_for(org.committee, 2026)
    assert (total.planned, total.own_plan, total.developed) == (8, True, 3)
    assert total.rate == 37.5 and total.composition["women"] == 2
    by_branch = {r.branch.id: r for r in rows}
    assert (by_branch[org.general1.id].planned, by_branch[org.general1.id].developed) == (2, 2)
    assert by_branch[org.general2.id].planned is None and by_branch[org.general2.id].rate is None
    # A past year counts that year's steps only.
    total_2025, _rows, found_2025 = actuals.rows_for(org.committee, 2025)
    assert total_2025.developed >= 1 and all(c.on.year == 2025 for c in found_2025["developed"])


def test_age_is_taken_on_the_day_of_admission(org, db, clock):
    # 35 on 2026-03-01 exactly: no longer under 35 that day.
    admitted(org.branch_a, date(2026, 3, 1), "p35", birth_date=date(1991, 3, 1))
    admitted(org.branch_a, date(2026, 3, 1), "p34", birth_date=date(1991, 3, 2))
    total, _rows, _found = actuals.rows_for(org.branch_a, 2026)
    assert total.developed == 2 and total.composition["under_35"] == 1
