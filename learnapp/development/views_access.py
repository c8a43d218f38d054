"""Who may see and act on a person's development file, as the pages need it.

The engine (services) has the last word on every write; these checks decide what a page offers and
answer 403/404 before a form is shown. The rules an experienced 组织员 keeps:

- the person's branch admins (their subtree), committee admins and auditors read the whole file;
- the person and their training contacts read the file without its confidential parts (political
  review details, exception reasons, the committee's reasons for returning a filing, internal notes);
- nobody acts on a person who holds more power than they do (a role on a branch outside the
  actor's subtree, or a committee role the actor lacks), and nobody records the branch's or the
  committee's steps about themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort

from learnapp.accounts.models import Role, RoleGrant, User
from learnapp.db import db
from learnapp.org.models import Branch
from learnapp.security import (
    admin_paths,
    can_manage_user,
    can_view_branch,
    can_view_user,
    is_committee_admin,
    is_contact_of,
)

# Who records a step, as the rules file names them.
PERSON, CONTACT, BRANCH_ADMIN, COMMITTEE_ADMIN = "person", "contact", "branch_admin", "committee_admin"


def outranks(person: User, actor) -> bool:
    """True when the person holds a role the actor cannot manage: a grant on a branch outside the
    actor's subtrees, or the committee admin role the actor does not hold."""
    paths = admin_paths(actor)
    actor_committee = is_committee_admin(actor)
    grants = db.session.execute(
        db.select(RoleGrant.role, Branch.path).join(Branch, Branch.id == RoleGrant.branch_id)
        .where(RoleGrant.user_id == person.id)).all()
    for role, path in grants:
        if Role(role) == Role.committee_admin and not actor_committee:
            return True
        if not any(path.startswith(p) for p in paths):
            return True
    return False


@dataclass(frozen=True)
class Access:
    """What the actor may do with one person's development file."""

    full: bool          # reads the whole file (admins of the subtree, committee, auditors)
    roles: frozenset    # the recorder roles the actor holds towards this person

    def may_record(self, recorded_by) -> bool:
        """Whether the actor holds a role the rules name as recorder (one role or several)."""
        named = {recorded_by} if isinstance(recorded_by, str) else set(recorded_by or ())
        return bool(self.roles & named)

    @property
    def administers(self) -> bool:
        return BRANCH_ADMIN in self.roles or COMMITTEE_ADMIN in self.roles


def access_to(actor, person: User) -> Access:
    """The actor's standing towards the person (see the module's rules)."""
    roles = set()
    if actor.id == person.id:
        roles.add(PERSON)
    if is_contact_of(actor, person):
        roles.add(CONTACT)
    if actor.id != person.id and can_manage_user(actor, person) and not outranks(person, actor):
        roles.add(BRANCH_ADMIN)
        # A committee admin does whatever a branch admin does, and the committee's own steps.
        if is_committee_admin(actor):
            roles.add(COMMITTEE_ADMIN)
    return Access(full=can_view_branch(actor, person.branch), roles=frozenset(roles))


def visible_person_or_404(actor, user_id: int) -> User:
    """The person, when the actor may read their file at all (self, contact, subtree, auditors)."""
    person = db.session.get(User, user_id)
    if person is None or not can_view_user(actor, person):
        abort(404)
    return person
