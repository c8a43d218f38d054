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

from learnapp.accounts import queries as accounts_queries
from learnapp.accounts.models import Role, User
from learnapp.development import services
from learnapp.security import (
    admin_paths,
    can_manage_user,
    can_view_branch,
    get_visible_user_or_404,
    is_committee_admin,
    is_contact_of,
)

# Who records a step, as the rules file names them.
CONTACT = "contact"


def outranks(person: User, actor) -> bool:
    """True when the person holds a role the actor cannot manage: a grant on a branch outside the
    actor's subtrees, or the committee admin role the actor does not hold."""
    paths = admin_paths(actor)
    actor_committee = is_committee_admin(actor)
    for role, path in accounts_queries.granted_roles(person):
        if Role(role) == Role.committee_admin and not actor_committee:
            return True
        if not any(path.startswith(p) for p in paths):
            return True
    return False


@dataclass(frozen=True)
class Access:
    """What the actor may do with one person's development file."""

    actor: object
    person: User
    full: bool          # reads the whole file (admins of the subtree, committee, auditors)
    administers: bool   # manages the person: a branch or committee admin of theirs, not outranked, not self
    committee: bool     # a committee admin who administers the person: may record exceptions

    def may_record(self, rule) -> bool:
        """The engine's rule of who records the step, and nobody acts on a person above them."""
        if not services.may_record(self.actor, self.person, rule):
            return False
        # One's own application and a contact's opinion are no management; anything else recorded
        # about someone else is, and needs an administrator the person does not outrank.
        if self.actor.id == self.person.id:
            return True
        if rule.recorded_by == CONTACT and is_contact_of(self.actor, self.person):
            return True
        return self.administers


def access_to(actor, person: User) -> Access:
    """The actor's standing towards the person (see the module's rules)."""
    administers = actor.id != person.id and can_manage_user(actor, person) and not outranks(person, actor)
    return Access(actor=actor, person=person, full=can_view_branch(actor, person.branch), administers=administers,
                  committee=administers and is_committee_admin(actor))


def visible_person_or_404(actor, user_id: int) -> User:
    """The person, when the actor may read their file at all (self, contact, subtree, auditors)."""
    return get_visible_user_or_404(actor, user_id)
