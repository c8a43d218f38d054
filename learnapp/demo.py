"""`flask --app learnapp demo load`: a committee with branches, people in every stage and each role.

Idempotent: people and branches are keyed by login ID and name, so a second run changes nothing.
Each domain adds its own demo content through a `load_demo(ctx)` function in its demo module.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from learnapp.db import db
from learnapp.security import SYSTEM

# Known to anyone who reads the README: demo data only, set past the strength rules on purpose.
DEMO_PASSWORD = "demo2026"

TREE = [
    ("第一党总支", [("办公室党支部", "sec1"), ("政策法规处党支部", "sec2")]),
    ("第二党总支", [("财务处党支部", "sec3"), ("人事处党支部", "sec4"), ("信息中心党支部", "sec5")]),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "晓东", "海燕", "志强", "丽娟"]


@dataclass
class DemoContext:
    """What domain demo loaders need: the admin acting, the branches, people by login ID."""

    admin: object
    committee: object
    branches: dict[str, object] = field(default_factory=dict)
    people: dict[str, object] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, login, branch)
    # How diligent each learner and secretary is this year, by login ID: 0 beyond the requirement,
    # 1 on pace, 2 behind. The ledger demo's attendance and the materials demo's reading follow it,
    # so a person's pages tell one story; the walkthrough learners have something left to do.
    profiles: dict[str, int] = field(default_factory=dict)

    def trainees(self) -> list:
        """The learners and branch secretaries, in login order (the people with a profile)."""
        return [p for login, p in sorted(self.people.items()) if login in self.profiles]


def _ensure_user(ctx_admin, login_id, name, branch, stage, stage_steps):
    from learnapp.accounts import services, stage_history
    from learnapp.accounts.models import User

    user = db.session.scalar(select(User).where(User.login_id == login_id))
    if user is not None:
        return user
    user, _pw = services.create_user(ctx_admin, login_id=login_id, name=name, branch=branch, stage=stage_steps[0][0],
                                     password=DEMO_PASSWORD, stage_since=stage_steps[0][1], audit_entry=ctx_admin is not None,
                                     known_password=True)
    user.must_change_password = False
    # The later stages as the register holds them (the development demo fills in the other steps).
    for step_stage, step_date in stage_steps[1:]:
        stage_history.record_stage(ctx_admin, user, step_stage, step_date, source="register",
                                   audit_entry=ctx_admin is not None)
    assert user.stage == stage
    db.session.flush()
    return user


def _path_to(stage, rng: random.Random, today: date):
    """A plausible dated path from applicant up to `stage`, each step at least the rules' distance apart."""
    from learnapp.accounts.models import Stage

    order = list(Stage)
    steps = order[: order.index(stage) + 1]
    # Days spent in the stage before each one: the rules want a year as activist before becoming a
    # development target and a year of probation; the training, reviews and meetings of a
    # development target take about four months.
    gaps = {Stage.activist: 200, Stage.development_target: 370, Stage.probationary_member: 120, Stage.full_member: 370}
    dates, day = [], today - timedelta(days=rng.randint(30, 200))
    for s in reversed(steps):
        dates.append((s, day))
        day = day - timedelta(days=gaps.get(s, 200) + rng.randint(0, 90))
    return list(reversed(dates))


def load_core(today: date) -> DemoContext:
    from learnapp import audit
    from learnapp.accounts import services
    from learnapp.accounts.models import Role, RoleGrant, Stage, User
    from learnapp.org import queries as org_queries
    from learnapp.org.models import Branch, BranchKind
    from learnapp.org_admin import services as org_services

    rng = random.Random(2026)
    root = org_queries.committee()
    if root is None:
        root = Branch(name="市某局党委", kind=BranchKind.committee, path="")
        db.session.add(root)
        db.session.flush()
        root.path = f"/{root.id}/"
        audit.record(SYSTEM, "branch.create", root, branch=root, summary=root.name, after={"name": root.name})
    admin = db.session.scalar(select(User).where(User.login_id == "admin"))
    if admin is None:
        admin, _pw = services.create_user(SYSTEM, login_id="admin", name="组织员 高建国", branch=root, stage=Stage.full_member,
                                          password=DEMO_PASSWORD, stage_since=date(2005, 7, 1), known_password=True)
        admin.must_change_password = False
        db.session.add(RoleGrant(user=admin, role=Role.committee_admin, branch=root))
        audit.record(SYSTEM, "role.grant", admin, branch=root, summary="admin: committee_admin", after={"role": "committee_admin"})
        db.session.flush()
        db.session.refresh(admin)
    ctx = DemoContext(admin=admin, committee=root)
    ctx.logins.append(("committee admin", "admin", root.name))

    def ensure_branch(name, parent, kind):
        existing = db.session.scalar(select(Branch).where(Branch.name == name, Branch.parent_id == parent.id))
        return existing or org_services.create_branch(admin, name, parent, kind)

    stages = [Stage.applicant, Stage.activist, Stage.activist, Stage.development_target, Stage.probationary_member, Stage.full_member]
    serial = 0
    for general_name, branches in TREE:
        general = ensure_branch(general_name, root, BranchKind.general_branch)
        ctx.branches[general_name] = general
        for branch_name, secretary_login in branches:
            branch = ensure_branch(branch_name, general, BranchKind.branch)
            ctx.branches[branch_name] = branch
            secretary = _ensure_user(admin, secretary_login, f"{branch_name[:-3]}书记 {SURNAMES[serial % 20]}{GIVEN[serial % 24]}", branch,
                                     Stage.full_member, [(Stage.full_member, date(2010, 7, 1))])
            if not db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == secretary.id, RoleGrant.role == Role.branch_admin)):
                services.grant_role(admin, secretary, Role.branch_admin, branch)
            ctx.people[secretary_login] = secretary
            ctx.logins.append(("branch admin", secretary_login, branch_name))
            # Ten people per branch, across all stages; one full member serves as training contact.
            branch_people = []
            for i in range(1, 11):
                serial += 1
                login_id = f"u{serial:03d}"
                stage = stages[serial % len(stages)] if i > 1 else Stage.full_member
                name = f"{SURNAMES[(serial * 7) % 20]}{GIVEN[(serial * 5) % 24]}"
                user = _ensure_user(admin, login_id, name, branch, stage, _path_to(stage, rng, today))
                ctx.people[login_id] = user
                branch_people.append(user)
            contact = branch_people[0]
            ctx.logins.append(("training contact", contact.login_id, branch_name))
            for learner in [p for p in branch_people if p.stage == Stage.activist][:2]:
                from learnapp.accounts.models import ContactAssignment

                if not db.session.scalar(select(ContactAssignment).where(ContactAssignment.learner_id == learner.id,
                                                                         ContactAssignment.contact_id == contact.id)):
                    services.assign_contact(admin, contact, learner)
            learners = [p for p in branch_people if p.stage != Stage.full_member]
            if learners:
                ctx.logins.append(("learner", learners[0].login_id, branch_name))
    auditor = db.session.scalar(select(User).where(User.login_id == "auditor"))
    if auditor is None:
        auditor = _ensure_user(admin, "auditor", "上级巡察员 钱正", root, Stage.full_member, [(Stage.full_member, date(2000, 7, 1))])
        services.grant_role(admin, auditor, Role.auditor, root)
    ctx.people["auditor"] = auditor
    ctx.logins.append(("auditor", "auditor", root.name))
    walkthrough = {login for role, login, _branch in ctx.logins if role == "learner"}
    trainees = sorted(login for login in ctx.people if login.startswith(("u", "sec")))
    for index, login in enumerate(trainees):
        ctx.profiles[login] = 1 + index % 2 if login in walkthrough else index % 3
    db.session.flush()
    return ctx


def load_all(today: date | None = None) -> DemoContext:
    """Load the core demo and every domain's demo content, in one transaction."""
    from learnapp import clock
    from learnapp.assessments import demo as assessments_demo
    from learnapp.bank import demo as bank_demo
    from learnapp.contactwork import demo as contactwork_demo
    from learnapp.development import demo as development_demo
    from learnapp.ledger import demo as ledger_demo
    from learnapp.materials import demo as materials_demo
    from learnapp.materials import demo_content
    from learnapp.planning import demo as planning_demo
    from learnapp.quizzes import demo as quizzes_demo
    from learnapp.yearend import demo as yearend_demo

    ctx = load_core(today or clock.today())
    # The content first: the ledger's demo reading lines point at its materials.
    for domain_demo in (demo_content, ledger_demo, materials_demo, bank_demo, quizzes_demo, assessments_demo, development_demo,
                        contactwork_demo, planning_demo, yearend_demo):
        domain_demo.load_demo(ctx)
        db.session.flush()
    return ctx


demo_cli = click.Group("demo", help="Demonstration data.")


@demo_cli.command("load")
@with_appcontext
def load() -> None:
    """Load the demo committee (idempotent) and print the demo logins."""
    ctx = load_all()
    db.session.commit()
    click.echo(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}, published in the README: "
               "demo data only, never on a server that holds real people):")
    for role, login_id, branch in ctx.logins:
        click.echo(f"  {role:<18} {login_id:<10} {branch}")
