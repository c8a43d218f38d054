"""Every endpoint of the org blueprint, for the permission matrix."""

from __future__ import annotations

from learnapp.org.models import BranchKind
from tests.helpers import factories
from tests.helpers.matrix import COMMITTEE, READERS, Page

COMMITTEE_READERS = COMMITTEE | {"auditor"}


def pages(org) -> list[Page]:
    spare_a = factories.make_branch("甲支部第一小组", org.branch_a)
    spare_c = factories.make_branch("丙支部第一小组", org.branch_c)
    doomed = factories.make_branch("待删支部", org.general2, BranchKind.branch)
    return [
        Page("org.tree", "/org/", READERS),
        Page("org.branch", f"/org/branches/{org.branch_a.id}", READERS, note="a"),
        Page("org.branch", f"/org/branches/{org.branch_c.id}", COMMITTEE_READERS, note="c"),
        Page("org.branch", f"/org/branches/{org.committee.id}", COMMITTEE_READERS, note="committee"),
        Page("org.create", "/org/branches/new", COMMITTEE),
        Page("org.create", "/org/branches/new", COMMITTEE, "POST",
             {"name": "新支部", "parent_id": org.general2.id, "kind": "branch"}),
        Page("org.edit", f"/org/branches/{spare_a.id}/edit", COMMITTEE, note="a"),
        Page("org.edit", f"/org/branches/{spare_c.id}/edit", COMMITTEE, note="c"),
        Page("org.edit", f"/org/branches/{spare_c.id}/edit", COMMITTEE, "POST",
             {"name": "丙支部第二小组", "parent_id": org.branch_c.id}, note="c"),
        Page("org.deactivate", f"/org/branches/{spare_a.id}/deactivate", COMMITTEE, "POST", note="a"),
        Page("org.reactivate", f"/org/branches/{spare_a.id}/reactivate", COMMITTEE, "POST", note="a"),
        Page("org.deactivate", f"/org/branches/{spare_c.id}/deactivate", COMMITTEE, "POST", note="c"),
        Page("org.reactivate", f"/org/branches/{spare_c.id}/reactivate", COMMITTEE, "POST", note="c"),
        Page("org.delete", f"/org/branches/{doomed.id}/delete", COMMITTEE, "POST"),
    ]
