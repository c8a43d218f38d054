"""Roles and permissions: each comes as an object check (can_*) and a query filter (visible_*/managed_*).

A role is granted on a branch and applies to its whole subtree. Committee admins and auditors hold
their role on the root. Objects outside the actor's scope answer 404 (their existence is not
revealed); pages outside the actor's role answer 403. The actor is a person or SYSTEM, the site
itself (learnapp.actors); None is refused. Other domains import all this through learnapp.security.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, and_, bindparam, false, or_, select, true

from learnapp import request_memo
from learnapp.accounts.models import ContactAssignment, Role, RoleGrant, User
from learnapp.actors import SYSTEM as SYSTEM
from learnapp.actors import SystemActor as SystemActor
from learnapp.actors import is_system as is_system
from learnapp.actors import require_actor as require_actor
from learnapp.db import db
from learnapp.org.models import Branch

T = TypeVar("T")

# The actor's grants as (role, branch path), looked up once per request for every check and menu
# item, and again as soon as a grant or a branch changes.
request_memo.depends_on("role_paths", RoleGrant, Branch)
request_memo.depends_on("is_contact", ContactAssignment)


_ROLE_PATHS = (select(RoleGrant.role, Branch.path).join(Branch, Branch.id == RoleGrant.branch_id)
               .where(RoleGrant.user_id == bindparam("user_id")).order_by(RoleGrant.id))


def _role_paths(actor) -> tuple[tuple[Role, str], ...]:
    """(role, path of the branch) for each of the actor's grants, in one query per request."""
    user_id = actor.id
    if user_id is None:  # not saved yet: only its in-memory grants
        return tuple((grant.role, grant.branch.path) for grant in actor.grants)
    return request_memo.remember("role_paths", user_id, lambda: tuple(
        (Role(role), path) for role, path in db.session.execute(_ROLE_PATHS, {"user_id": user_id})
    ))


def remember_role_paths(user_id: int, grants) -> None:
    """Keep the (role, branch path) pairs of a person's grants for this request when the caller
    read them already (the login session's user loader fetches them with the user, in the same
    statement); the memo is dropped as usual when a grant or a branch changes."""
    request_memo.remember("role_paths", user_id, lambda: tuple((Role(role), path) for role, path in grants))


def roles_of(user) -> set[Role]:
    """The roles a person holds anywhere (for their annual requirement), from the memo above."""
    return {role for role, _path in _role_paths(user)}


def holds_a_role(user) -> bool:
    """Whether the person holds any role (the administration menu is drawn for them only)."""
    return bool(_role_paths(user))


def _paths(actor, *roles: Role) -> list[str]:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.active:
        return []
    return [path for role, path in _role_paths(actor) if role in roles]


def admin_paths(actor) -> list[str]:
    """Paths of the subtrees the actor administers (committee admin or branch admin)."""
    return _paths(actor, Role.committee_admin, Role.branch_admin)


def read_paths(actor) -> list[str]:
    """Paths of the subtrees whose records the actor may read (admins and auditors)."""
    return _paths(actor, Role.committee_admin, Role.branch_admin, Role.auditor)


def is_committee_admin(actor) -> bool:
    return bool(_paths(actor, Role.committee_admin))


def is_auditor(actor) -> bool:
    return bool(_paths(actor, Role.auditor))


def is_branch_admin(actor) -> bool:
    """Any administrator of some branch (committee admins included)."""
    return bool(admin_paths(actor))


def is_contact(actor) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return request_memo.remember("is_contact", actor.id, lambda: db.session.scalar(
        select(ContactAssignment.id).where(ContactAssignment.contact_id == actor.id, ContactAssignment.active).limit(1)
    ) is not None)


def can_read_reports(actor) -> bool:
    """Admins of any branch and auditors may open reports (scoped by read_paths)."""
    return bool(read_paths(actor))


def _path_filter(column, paths: list[str]) -> ColumnElement[bool]:
    if not paths:
        return false()
    return or_(*[column.startswith(p, autoescape=True) for p in paths])


# --- branches -------------------------------------------------------------------------------

def can_manage_branch(actor, branch: Branch) -> bool:
    return any(branch.path.startswith(p) for p in admin_paths(actor))


def can_view_branch(actor, branch: Branch) -> bool:
    return any(branch.path.startswith(p) for p in read_paths(actor))


def managed_branches(actor) -> ColumnElement[bool]:
    """Filter on Branch: the branches the actor administers."""
    return _path_filter(Branch.path, admin_paths(actor))


def visible_branches(actor) -> ColumnElement[bool]:
    """Filter on Branch: the branches whose records the actor may read."""
    return _path_filter(Branch.path, read_paths(actor))


def branch_ids_under(paths: list[str]):
    """A subquery of branch ids in the given subtrees."""
    return select(Branch.id).where(_path_filter(Branch.path, paths)).scalar_subquery()


# --- people ---------------------------------------------------------------------------------

# Roles only a committee admin grants, so only a committee admin manages a person who holds one.
COMMITTEE_ROLES = (Role.committee_admin, Role.auditor)


def _could_grant(actor, role: Role, path: str) -> bool:
    """Whether the actor could grant `role` on the branch at `path` (the rule of grant_role)."""
    if role in COMMITTEE_ROLES:
        return is_committee_admin(actor)
    return any(path.startswith(p) for p in admin_paths(actor))


def can_manage_user(actor, user: User) -> bool:
    """Administer a person: their branch is in the actor's subtree and every role they hold is one
    the actor could grant (a branch admin never resets the password of, edits or deactivates a
    committee admin or auditor homed in their branch). Nobody administers themselves: their own
    account is changed through their own settings, and their own record by someone else."""
    if actor is None or user.id is not None and user.id == actor.id:
        return False
    if not can_manage_branch(actor, user.branch):
        return False
    return all(_could_grant(actor, role, path) for role, path in _role_paths(user))


def is_contact_of(actor, user: User) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return db.session.scalar(
        select(ContactAssignment.id).where(
            ContactAssignment.contact_id == actor.id,
            ContactAssignment.learner_id == user.id,
            ContactAssignment.active,
        )
    ) is not None


def can_view_user(actor, user: User) -> bool:
    """Self, the person's training contact, admins of their branch subtree, auditors."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return actor.id == user.id or can_view_branch(actor, user.branch) or is_contact_of(actor, user)


def managed_users(actor) -> ColumnElement[bool]:
    """Filter on User: people the actor administers (the query form of can_manage_user)."""
    paths = admin_paths(actor)
    if not paths:
        return false()
    beyond = [and_(RoleGrant.role == Role.branch_admin, ~_path_filter(Branch.path, paths))]
    if not is_committee_admin(actor):
        beyond.append(RoleGrant.role.in_(COMMITTEE_ROLES))
    stronger = select(RoleGrant.user_id).join(Branch, Branch.id == RoleGrant.branch_id).where(or_(*beyond))
    return and_(User.branch_id.in_(branch_ids_under(paths)), User.id != actor.id, User.id.not_in(stronger))


def visible_users(actor) -> ColumnElement[bool]:
    """Filter on User: people whose records the actor may read (self, contacts' people, subtree)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return false()
    paths = read_paths(actor)
    if any(p.count("/") == 2 for p in paths):  # a role on the root: everyone
        return true()
    contacts = select(ContactAssignment.learner_id).where(
        ContactAssignment.contact_id == actor.id, ContactAssignment.active
    )
    clauses = [User.id == actor.id, User.id.in_(contacts)]
    if paths:
        clauses.append(User.branch_id.in_(branch_ids_under(paths)))
    return or_(*clauses)


# --- view helpers ---------------------------------------------------------------------------

def require(allowed: bool, *, not_found: bool = False) -> None:
    """Abort with 403 (or 404 for objects outside scope) unless allowed."""
    if not allowed:
        abort(404 if not_found else 403)


def require_role(check: Callable[[object], bool]):
    """View decorator: the logged-in user must pass `check` (e.g. is_committee_admin)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from learnapp.extensions import login_manager

                return login_manager.unauthorized()
            require(check(current_user))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def get_or_404(model: type[T], ident, check: Callable[[T], bool] | None = None) -> T:
    """The `model` row with primary key `ident`, or 404 when there is none or `check(row)` is
    false: an object outside the actor's scope is not found (no hint that it exists), e.g.
    `get_or_404(Claim, claim_id, lambda c: can_view_user(current_user, c.user))`."""
    found = db.session.get(model, ident)
    if found is None or check is not None and not check(found):
        abort(404)
    return found


def get_visible_user_or_404(actor, user_id: int) -> User:
    """A person the actor may see, or 404."""
    return get_or_404(User, user_id, lambda user: can_view_user(actor, user))


def get_managed_user_or_404(actor, user_id: int) -> User:
    return get_or_404(User, user_id, lambda user: can_manage_user(actor, user))


def get_managed_branch_or_404(actor, branch_id: int) -> Branch:
    return get_or_404(Branch, branch_id, lambda branch: can_manage_branch(actor, branch))


def get_visible_branch_or_404(actor, branch_id: int) -> Branch:
    return get_or_404(Branch, branch_id, lambda branch: can_view_branch(actor, branch))
