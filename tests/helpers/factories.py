"""Plain factory functions for tests: an organisation tree, people with roles."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from learnapp.accounts import services as accounts
from learnapp.accounts.models import ContactAssignment, Role, RoleGrant, Stage, User
from learnapp.db import db
from learnapp.org.models import Branch, BranchKind
from learnapp.security import SYSTEM

PASSWORD = "secret123"
_serial = itertools.count(1)


def make_branch(name: str, parent: Branch | None = None, kind: BranchKind = BranchKind.branch) -> Branch:
    branch = Branch(name=name, kind=BranchKind.committee if parent is None else kind, parent=parent, path="")
    db.session.add(branch)
    db.session.flush()
    branch.path = f"{parent.path if parent else '/'}{branch.id}/"
    db.session.flush()
    return branch


def make_user(branch: Branch, stage: Stage = Stage.activist, *, login_id: str | None = None, name: str | None = None,
              roles: list[tuple[Role, Branch]] = (), password: str = PASSWORD, active: bool = True) -> User:
    n = next(_serial)
    user, _ = accounts.create_user(SYSTEM, login_id=login_id or f"user{n}", name=name or f"测试用户{n}", branch=branch,
                                   stage=stage, password=password, audit_entry=False,
                                   known_password=True)
    user.must_change_password = False
    user.active = active
    for role, on_branch in roles:
        db.session.add(RoleGrant(user=user, role=role, branch=on_branch))
    db.session.flush()
    db.session.refresh(user)
    return user


def assign_contact(contact: User, learner: User) -> None:
    db.session.add(ContactAssignment(contact=contact, learner=learner, active=True))
    db.session.flush()


@dataclass
class Org:
    committee: Branch
    general1: Branch
    general2: Branch
    branch_a: Branch  # under general1
    branch_b: Branch  # under general1
    branch_c: Branch  # under general2
    committee_admin: User
    auditor: User
    admin_a: User      # branch admin of branch_a
    admin_g1: User     # branch admin of general1 (covers a and b)
    contact_a: User    # training contact of learner_a
    learner_a: User
    learner_b: User
    learner_c: User

    @property
    def roles(self) -> dict[str, User]:
        return {
            "anonymous": None, "learner": self.learner_a, "contact": self.contact_a, "branch_admin": self.admin_a,
            "general_admin": self.admin_g1, "committee_admin": self.committee_admin, "auditor": self.auditor,
        }


def make_org() -> Org:
    committee = make_branch("测试党委")
    g1 = make_branch("第一党总支", committee, BranchKind.general_branch)
    g2 = make_branch("第二党总支", committee, BranchKind.general_branch)
    a = make_branch("甲支部", g1)
    b = make_branch("乙支部", g1)
    c = make_branch("丙支部", g2)
    org = Org(
        committee=committee, general1=g1, general2=g2, branch_a=a, branch_b=b, branch_c=c,
        committee_admin=make_user(committee, Stage.full_member, login_id="cadmin", roles=[(Role.committee_admin, committee)]),
        auditor=make_user(committee, Stage.full_member, login_id="auditor", roles=[(Role.auditor, committee)]),
        admin_a=make_user(a, Stage.full_member, login_id="admin_a", roles=[(Role.branch_admin, a)]),
        admin_g1=make_user(g1, Stage.full_member, login_id="admin_g1", roles=[(Role.branch_admin, g1)]),
        contact_a=make_user(a, Stage.full_member, login_id="contact_a"),
        learner_a=make_user(a, Stage.activist, login_id="learner_a"),
        learner_b=make_user(b, Stage.activist, login_id="learner_b"),
        learner_c=make_user(c, Stage.development_target, login_id="learner_c"),
    )
    assign_contact(org.contact_a, org.learner_a)
    db.session.commit()
    return org


def copy_of_browser(client, app):
    """A second browser holding a copy of the first one's session cookie."""
    cookie = client.get_cookie("session")
    copy = app.test_client()
    copy.set_cookie("session", cookie.value, domain=cookie.domain)
    return copy
