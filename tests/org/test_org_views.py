"""Organisation tree pages: counts, scope, and the committee admin's changes with clear errors."""

from __future__ import annotations

from sqlalchemy import select

from learnapp.accounts.models import Stage
from learnapp.audit.models import AuditEntry
from learnapp.org import queries as tree_queries
from learnapp.org.models import Branch
from learnapp.org_admin import queries
from learnapp.security import visible_branches
from tests.helpers import factories


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_tree_counts_people_per_branch_and_subtree(org, db):
    factories.make_user(org.branch_b, Stage.applicant, login_id="gone", active=False)
    nodes = {n.branch.id: n for n in tree_queries.flatten(queries.tree(visible_branches(org.committee_admin)))}
    assert nodes[org.branch_a.id].own == 3  # admin_a, contact_a, learner_a
    assert nodes[org.branch_b.id].own == 1  # the deactivated person does not count
    assert nodes[org.general1.id].own == 1 and nodes[org.general1.id].total == 5
    assert nodes[org.committee.id].total == 8
    assert nodes[org.general1.id].stages[Stage.activist] == 2


def test_branch_admin_sees_only_their_subtree(client, org, login):
    login(org.admin_a)
    page = _text(client.get("/org/"))
    assert org.branch_a.name in page and org.branch_c.name not in page and org.general1.name not in page
    assert client.get(f"/org/branches/{org.branch_c.id}").status_code == 404
    assert "/org/branches/new" not in page


def test_committee_admin_creates_renames_and_moves(client, org, login, db):
    login(org.committee_admin)
    response = client.post("/org/branches/new", data={"name": "丁支部", "parent_id": org.general1.id, "kind": "branch"})
    assert response.status_code == 302
    d = db.session.scalar(select(Branch).where(Branch.name == "丁支部"))
    assert d.path == f"{org.general1.path}{d.id}/"
    factories.make_user(d, Stage.activist, login_id="in_d")
    sub = factories.make_branch("丁支部一组", d)
    db.session.commit()
    response = client.post(f"/org/branches/{d.id}/edit", data={"name": "丁支部（新）", "parent_id": org.general2.id})
    assert response.status_code == 302
    db.session.expire_all()
    d = db.session.get(Branch, d.id)
    assert d.name == "丁支部（新）" and d.parent_id == org.general2.id
    assert db.session.get(Branch, sub.id).path == f"{org.general2.path}{d.id}/{sub.id}/"
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.not_like("auth.%")).order_by(AuditEntry.seq)).all()
    assert actions == ["branch.create", "branch.rename", "branch.move"]


def test_duplicate_names_and_moves_into_own_subtree_are_refused_on_the_field(client, org, login, db):
    login(org.committee_admin)
    dup = client.post("/org/branches/new", data={"name": "甲支部", "parent_id": org.general1.id, "kind": "branch"})
    assert dup.status_code == 200 and 'class="error"' in _text(dup)
    own = client.post(f"/org/branches/{org.general1.id}/edit", data={"name": org.general1.name, "parent_id": org.branch_a.id})
    assert own.status_code == 200 and 'class="error"' in _text(own)  # not offered as a choice
    assert db.session.get(Branch, org.general1.id).parent_id == org.committee.id


def test_deleting_a_branch_with_people_gives_a_clear_error(client, org, login, db):
    login(org.committee_admin)
    response = client.post(f"/org/branches/{org.branch_b.id}/delete", follow_redirects=True)
    page = _text(response)
    assert "flash-error" in page and org.branch_b.name in page
    assert db.session.get(Branch, org.branch_b.id) is not None
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.not_like("auth.%"))).all() == []


def test_deleting_an_empty_branch(client, org, login, db):
    empty = factories.make_branch("空支部", org.general2)
    db.session.commit()
    login(org.committee_admin)
    response = client.post(f"/org/branches/{empty.id}/delete")
    assert response.headers["Location"].endswith(f"/org/branches/{org.general2.id}")
    assert db.session.get(Branch, empty.id) is None
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.not_like("auth.%"))).all() == ["branch.delete"]


def test_deactivate_needs_an_empty_branch_then_reactivates(client, org, login, db):
    login(org.committee_admin)
    client.post(f"/org/branches/{org.branch_c.id}/deactivate")
    assert db.session.get(Branch, org.branch_c.id).active  # learner_c is still active there
    client.post(f"/people/{org.learner_c.id}/deactivate")
    client.post(f"/org/branches/{org.branch_c.id}/deactivate")
    db.session.expire_all()
    assert not db.session.get(Branch, org.branch_c.id).active
    tree = _text(client.get("/org/"))
    assert "badge bad" in tree
    client.post(f"/org/branches/{org.branch_c.id}/reactivate")
    db.session.expire_all()
    assert db.session.get(Branch, org.branch_c.id).active


def test_branch_page_shows_counts_admins_and_links(client, org, login):
    login(org.admin_g1)
    page = _text(client.get(f"/org/branches/{org.branch_a.id}"))
    assert org.admin_a.name in page and f"/people/?branch={org.branch_a.id}" in page
    assert f"/org/branches/{org.branch_a.id}/edit" not in page  # read-only for branch admins


def test_common_ancestor(org):
    assert tree_queries.common_ancestor([org.branch_a, org.branch_b]).id == org.general1.id
    assert tree_queries.common_ancestor([org.branch_a, org.branch_c]).id == org.committee.id
    assert tree_queries.common_ancestor([org.branch_a]).id == org.branch_a.id
    assert tree_queries.full_names()[org.branch_a.id] == "第一党总支/甲支部"
