"""Nobody manages a person who holds a role they could not grant (the account-takeover finding).

Every administrative action on a person is tried by every actor against a subject with each role,
homed in each branch. The expected answer comes from the rule itself: an admin manages a person of
their subtree whose roles all lie within what the admin could grant; committee admins and auditors
are managed by committee admins only; nobody manages themselves.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learnapp.accounts import passwords
from learnapp.accounts import services as accounts
from learnapp.accounts.models import Role, RoleGrant, Stage, User
from learnapp.errors import DomainError
from learnapp.security import can_manage_user, managed_users
from tests.helpers import factories

ACTORS = ["learner", "contact", "branch_admin", "general_admin", "committee_admin", "auditor"]
SUBJECT_ROLES = [None, "branch_admin", "committee_admin", "auditor"]
HOMES = ["committee", "general1", "branch_a", "branch_c"]


def _subject(org, role: str | None, home: str) -> User:
    branch = getattr(org, home)
    grants = []
    if role == "branch_admin":
        grants = [(Role.branch_admin, branch)]
    elif role is not None:  # committee-wide roles are held on the root
        grants = [(Role(role), org.committee)]
    return factories.make_user(branch, Stage.full_member, roles=grants)


def _expected(actor: str, role: str | None, home: str) -> bool:
    """The rule, written out from the org's shape rather than from security.py."""
    if actor == "committee_admin":
        return True
    subtree = {"branch_admin": {"branch_a"}, "general_admin": {"general1", "branch_a"}}.get(actor, set())
    return home in subtree and role in (None, "branch_admin")


CASES = [(a, r, h) for a in ACTORS for r in SUBJECT_ROLES for h in HOMES]


@pytest.mark.parametrize("actor_role,subject_role,home", CASES, ids=["-".join(map(str, c)) for c in CASES])
def test_manage_matches_the_rule(org, actor_role, subject_role, home, db):
    actor = org.roles[actor_role]
    subject = _subject(org, subject_role, home)
    expected = _expected(actor_role, subject_role, home)
    assert can_manage_user(actor, subject) is expected
    listed = db.session.scalar(select(User.id).where(managed_users(actor), User.id == subject.id))
    assert (listed is not None) is expected


@pytest.mark.parametrize("subject_role", ["committee_admin", "auditor"])
@pytest.mark.parametrize("actor_role", ["branch_admin", "general_admin"])
def test_branch_admin_cannot_take_over_a_stronger_account(client, org, login, db, actor_role, subject_role):
    """The reported attack: reset the password, edit, deactivate, change roles or contacts of a
    committee admin or auditor homed inside one's own branch. Every door answers 404 and nothing changes."""
    victim = _subject(org, subject_role, "branch_a")
    before = (victim.password_hash, victim.name, victim.active, victim.session_epoch)
    grants_before = db.session.scalars(select(RoleGrant.id).where(RoleGrant.user_id == victim.id)).all()
    db.session.commit()
    login(org.roles[actor_role])
    doors = [
        ("post", f"/people/{victim.id}/password", {}),
        ("post", f"/people/{victim.id}/deactivate", {}),
        ("get", f"/people/{victim.id}/edit", None),
        ("post", f"/people/{victim.id}/edit", {"name": "x", "branch_id": org.branch_a.id}),
        ("get", f"/people/{victim.id}/roles", None),
        ("post", f"/people/{victim.id}/roles", {"role": "branch_admin", "branch_id": org.branch_a.id}),
        ("get", f"/people/{victim.id}/contacts", None),
        ("get", f"/people/{victim.id}/stage", None),
    ]
    for method, url, data in doors:
        response = client.get(url) if method == "get" else client.post(url, data=data)
        assert response.status_code == 404, (method, url, response.status_code)
    db.session.expire_all()
    victim = db.session.get(User, victim.id)
    after = (victim.password_hash, victim.name, victim.active, victim.session_epoch)
    assert after == before
    assert db.session.scalars(select(RoleGrant.id).where(RoleGrant.user_id == victim.id)).all() == grants_before


def test_services_refuse_a_stronger_person_whatever_the_caller(org, db):
    """The services check too, so the CLI, API or a future view cannot skip the rule."""
    victim = _subject(org, "committee_admin", "branch_a")
    for call in (
        lambda: passwords.reset_password(org.admin_a, victim),
        lambda: accounts.set_active(org.admin_a, victim, False),
        lambda: accounts.update_user(org.admin_a, victim, name="x", branch=org.branch_a, phone=None, email=None),
        lambda: accounts.grant_role(org.admin_a, victim, Role.branch_admin, org.branch_a),
        lambda: accounts.revoke_role(org.admin_a, victim.grants[0]),
        lambda: accounts.assign_contact(org.admin_a, org.contact_a, victim),
    ):
        with pytest.raises(DomainError):
            call()


def test_a_committee_admin_manages_another_committee_admin_but_not_themselves(org, db):
    peer = _subject(org, "committee_admin", "committee")
    assert can_manage_user(org.committee_admin, peer)
    assert not can_manage_user(org.committee_admin, org.committee_admin)
    with pytest.raises(DomainError):
        passwords.reset_password(org.committee_admin, org.committee_admin)


def test_a_branch_admin_of_a_lower_branch_cannot_manage_the_general_branch_admin(org, db):
    """admin_a (branch_a) and admin_g1 (general1): the general branch's admin is stronger, even
    when homed in branch_a."""
    strong = factories.make_user(org.branch_a, Stage.full_member, roles=[(Role.branch_admin, org.general1)])
    assert not can_manage_user(org.admin_a, strong)
    assert can_manage_user(org.admin_g1, strong)
