"""The figures of many branches read in one pass equal each branch's own figures."""

from __future__ import annotations

from datetime import date

from learnapp.db import db
from learnapp.yearend import figures
from learnapp.yearend.many import year_end_many
from tests.helpers.report_scale import files_in, more_branches
from tests.helpers.yearend import a_year

TODAY = date(2026, 6, 15)


def test_one_pass_equals_each_branch(org, clock):
    a_year(org)
    extra = more_branches(org, 3, "extra")
    files_in([org.branch_a, org.branch_c, *extra], 14, "many")
    db.session.flush()
    branches = [org.committee, org.general1, org.general2, org.branch_a, org.branch_b, org.branch_c, *extra]
    together = year_end_many(branches, 2026, TODAY)
    for branch in branches:
        assert together[branch.id] == figures.year_end(branch, 2026, TODAY), branch.name
