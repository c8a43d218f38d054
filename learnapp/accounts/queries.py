"""Reads on people for the administration pages; every statement is scoped by the actor."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, false, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from learnapp.accounts.models import ContactAssignment, RoleGrant, Stage, User
from learnapp.accounts.permissions import branch_ids_under, managed_users, read_paths
from learnapp.db import db
from learnapp.org.models import Branch


def administered_people(actor) -> ColumnElement[bool]:
    """Filter on User: the people of the branch subtrees the actor administers or audits.

    Narrower than security.visible_users (which adds the actor and their contacts' people): the
    administration pages list a branch's roster, not everyone the actor may happen to read.
    """
    paths = read_paths(actor)
    return User.branch_id.in_(branch_ids_under(paths)) if paths else false()


@dataclass
class PeopleFilter:
    q: str = ""
    branch: Branch | None = None
    stage: Stage | None = None
    active: str = "active"  # "active", "inactive" or "all"


def people_statement(actor, filters: PeopleFilter) -> Select:
    """People the actor may see, filtered, ordered by branch then login ID."""
    stmt = select(User).join(Branch, User.branch_id == Branch.id).where(administered_people(actor))
    q = (filters.q or "").strip()
    if q:
        stmt = stmt.where(or_(User.name.contains(q, autoescape=True),
                              func.lower(User.login_id).contains(q.lower(), autoescape=True)))
    if filters.branch is not None:
        stmt = stmt.where(Branch.path.startswith(filters.branch.path, autoescape=True))
    if filters.stage is not None:
        stmt = stmt.where(User.stage == filters.stage)
    if filters.active == "active":
        stmt = stmt.where(User.active)
    elif filters.active == "inactive":
        stmt = stmt.where(~User.active)
    return stmt.order_by(Branch.path, User.login_id)


def contacts_of(learner: User) -> list[ContactAssignment]:
    """The learner's training contacts, current first, then ended ones."""
    stmt = (select(ContactAssignment).where(ContactAssignment.learner_id == learner.id)
            .order_by(ContactAssignment.active.desc(), ContactAssignment.created_at)
            .options(joinedload(ContactAssignment.contact)))
    return list(db.session.scalars(stmt))


def learners_of(contact: User) -> list[ContactAssignment]:
    """The people this person is (or was) training contact of."""
    stmt = (select(ContactAssignment).where(ContactAssignment.contact_id == contact.id)
            .order_by(ContactAssignment.active.desc(), ContactAssignment.created_at)
            .options(joinedload(ContactAssignment.learner)))
    return list(db.session.scalars(stmt))


class Related(NamedTuple):
    """The other person of a current training relation, as the home page shows them."""

    name: str
    phone: str | None
    stage: Stage


@cache
def _relations_statement():
    # Built once: a statement with fresh aliases would be compiled again on every call.
    contact, learner = aliased(User, name="contact"), aliased(User, name="learner")
    a = ContactAssignment
    person_id = bindparam("person_id")
    return (select(a.learner_id, contact.name, contact.phone, contact.stage, learner.name, learner.phone, learner.stage)
            .join(contact, contact.id == a.contact_id).join(learner, learner.id == a.learner_id)
            .where(a.active, or_(a.learner_id == person_id, a.contact_id == person_id))
            .order_by(a.created_at, a.id))


def active_relations(person: User) -> tuple[list[Related], list[Related]]:
    """The person's current training contacts and the people they are currently training contact
    of, oldest assignment first, in one statement (the home page shows both)."""
    rows = db.session.execute(_relations_statement(), {"person_id": person.id}).all()
    contacts = [Related(*row[1:4]) for row in rows if row[0] == person.id]
    learners = [Related(*row[4:7]) for row in rows if row[0] != person.id]
    return contacts, learners


def grants_of(user: User) -> list[RoleGrant]:
    return list(db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id).order_by(RoleGrant.created_at)))


def contact_candidates(actor, learner: User, limit: int = 200) -> list[User]:
    """Active full members the actor administers, the learner's own branch first (for suggestions)."""
    stmt = (select(User).where(managed_users(actor), User.active, User.stage == Stage.full_member, User.id != learner.id)
            .order_by((User.branch_id == learner.branch_id).desc(), User.login_id).limit(limit))
    return list(db.session.scalars(stmt))


def find_managed_by_login(actor, login_id: str) -> User | None:
    """A person the actor administers, by login ID (case-insensitive)."""
    return db.session.scalar(select(User).where(managed_users(actor),
                                                func.lower(User.login_id) == (login_id or "").strip().lower()))


def people_by_login_ids(login_ids) -> list[User]:
    """The people of these login IDs (unknown ones are left out: compare to report them); none asked, none read."""
    return list(db.session.scalars(select(User).where(User.login_id.in_(login_ids)))) if login_ids else []


def person_by_login_id(login_id: str) -> User | None:
    """The person of this login ID (exactly as written), whoever may see them: check before use."""
    return db.session.scalar(select(User).where(User.login_id == login_id))


def granted_roles(person: User) -> list:
    """(role, branch path) of each of the person's role grants."""
    return db.session.execute(select(RoleGrant.role, Branch.path).join(Branch, Branch.id == RoleGrant.branch_id)
                              .where(RoleGrant.user_id == person.id)).all()


def names_by_id(ids) -> dict[int, str]:
    """The names of these people by id (unknown ids are left out)."""
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def people_page(actor, filters: PeopleFilter, page: int, per_page: int):
    """A page of the people `people_statement` finds (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(people_statement(actor, filters), page=page, per_page=per_page, error_out=False)


def people_to_export(actor, filters: PeopleFilter) -> list[User]:
    """Every person `people_statement` finds."""
    return list(db.session.scalars(people_statement(actor, filters)))
