"""Who may read which people in reports: the actor's read scope, optionally narrowed to a subtree."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select

from learnapp.accounts.models import User
from learnapp.org.models import Branch
from learnapp.security import admin_paths, branch_ids_under, read_paths


def _under(paths: list[str], branch: Branch | None) -> ColumnElement[bool]:
    if not paths:
        return false()
    condition = User.branch_id.in_(branch_ids_under(paths))
    if branch is not None:
        subtree = select(Branch.id).where(Branch.path.startswith(branch.path, autoescape=True)).scalar_subquery()
        condition = condition & User.branch_id.in_(subtree)
    return condition


def readable_people(actor, branch: Branch | None = None) -> ColumnElement[bool]:
    """Filter on User: people in the subtrees the actor reads (admins, auditors), within `branch`."""
    return _under(read_paths(actor), branch)


def managed_people(actor, branch: Branch | None = None) -> ColumnElement[bool]:
    """Filter on User: people the actor administers (reminders are an administrator's act)."""
    return _under(admin_paths(actor), branch)


def everyone(branch: Branch | None = None) -> ColumnElement[bool]:
    """Filter on User for the CLI (the committee's whole tree), within `branch`."""
    return _under(["/"], branch)
