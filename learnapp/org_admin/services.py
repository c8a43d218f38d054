"""Writes on the branch tree. Only committee admins change the tree; every change is audited."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import String, func, literal, select, update

from learnapp import audit
from learnapp.accounts.models import RoleGrant, User
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.org.models import Branch, BranchKind
from learnapp.security import is_committee_admin, is_system


def _require_committee_admin(actor) -> None:
    if not is_system(actor) and not is_committee_admin(actor):
        raise DomainError(_("Only committee admins change the organisation tree."))


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise DomainError(_("Enter a name of at most 120 characters."), "name")
    return name


def _check_sibling_name(name: str, parent_id: int | None, exclude_id: int | None = None) -> None:
    stmt = select(Branch.id).where(Branch.name == name, Branch.parent_id.is_(None) if parent_id is None else Branch.parent_id == parent_id)
    if exclude_id:
        stmt = stmt.where(Branch.id != exclude_id)
    if db.session.scalar(stmt):
        raise DomainError(_("A branch named %(name)s already exists here.", name=name), "name")


def create_branch(actor, name: str, parent: Branch | None, kind: BranchKind | str | None = None) -> Branch:
    """Add a branch under `parent` (or the committee itself when there is no parent yet)."""
    _require_committee_admin(actor)
    name = _clean_name(name)
    if parent is None:
        if db.session.scalar(select(func.count(Branch.id)).where(Branch.parent_id.is_(None))):
            raise DomainError(_("There is already a committee at the root; choose a parent."), "parent_id")
        kind = BranchKind.committee
    else:
        if not parent.active:
            raise DomainError(_("The parent branch is deactivated."), "parent_id")
        kind = BranchKind(kind or BranchKind.branch)
        if kind == BranchKind.committee:
            raise DomainError(_("Only the root is a committee."), "kind")
    _check_sibling_name(name, parent.id if parent else None)
    branch = Branch(name=name, kind=kind, parent=parent, path="")
    db.session.add(branch)
    db.session.flush()
    branch.path = f"{parent.path if parent else '/'}{branch.id}/"
    audit.record(actor, "branch.create", branch, branch=branch, summary=name,
                 after={"name": name, "kind": kind, "parent": parent.name if parent else None})
    db.session.flush()
    return branch


def rename_branch(actor, branch: Branch, name: str) -> None:
    _require_committee_admin(actor)
    name = _clean_name(name)
    _check_sibling_name(name, branch.parent_id, exclude_id=branch.id)
    before = branch.name
    if before == name:
        return
    branch.name = name
    audit.record(actor, "branch.rename", branch, branch=branch, summary=f"{before} → {name}", before={"name": before}, after={"name": name})
    db.session.flush()


def move_branch(actor, branch: Branch, new_parent: Branch) -> None:
    """Move a branch (and its subtree) under another parent; paths of the subtree follow."""
    _require_committee_admin(actor)
    if branch.parent_id is None:
        raise DomainError(_("The committee cannot be moved."), "parent_id")
    if new_parent.path.startswith(branch.path):
        raise DomainError(_("A branch cannot be moved into its own subtree."), "parent_id")
    if new_parent.id == branch.parent_id:
        return
    _check_sibling_name(branch.name, new_parent.id, exclude_id=branch.id)
    old_path, old_parent = branch.path, branch.parent
    new_path = f"{new_parent.path}{branch.id}/"
    db.session.flush()
    db.session.execute(
        update(Branch)
        .where(Branch.path.startswith(old_path, autoescape=True))
        .values(path=literal(new_path, String) + func.substr(Branch.path, len(old_path) + 1))
        .execution_options(synchronize_session=False)
    )
    branch.parent = new_parent
    db.session.flush()
    db.session.expire_all()
    audit.record(actor, "branch.move", branch, branch=new_parent, summary=branch.name,
                 before={"parent": old_parent.name}, after={"parent": new_parent.name})
    db.session.flush()


def _people_in(branch: Branch, active_only: bool) -> int:
    stmt = select(func.count(User.id)).join(Branch, User.branch_id == Branch.id).where(Branch.path.startswith(branch.path, autoescape=True))
    if active_only:
        stmt = stmt.where(User.active)
    return db.session.scalar(stmt) or 0


def set_branch_active(actor, branch: Branch, active: bool) -> None:
    """Deactivate (only when nobody active remains in the subtree) or reactivate a branch."""
    _require_committee_admin(actor)
    if branch.parent_id is None and not active:
        raise DomainError(_("The committee cannot be deactivated."))
    if branch.active == active:
        return
    if not active:
        count = _people_in(branch, active_only=True)
        if count:
            raise DomainError(_("%(name)s still has %(count)d active people; move or deactivate them first.", name=branch.name, count=count))
        subtree = db.session.scalars(select(Branch).where(Branch.path.startswith(branch.path, autoescape=True))).all()
        for b in subtree:
            b.active = False
    else:
        if branch.parent is not None and not branch.parent.active:
            raise DomainError(_("Reactivate the parent branch first."))
        branch.active = True
    audit.record(actor, "branch.activate" if active else "branch.deactivate", branch, branch=branch, summary=branch.name,
                 before={"active": not active}, after={"active": active})
    db.session.flush()


def delete_branch(actor, branch: Branch) -> None:
    """Delete a branch with no sub-branches and no people (past or present)."""
    _require_committee_admin(actor)
    if branch.parent_id is None:
        raise DomainError(_("The committee cannot be deleted."))
    if db.session.scalar(select(func.count(Branch.id)).where(Branch.parent_id == branch.id)):
        raise DomainError(_("%(name)s has sub-branches; delete or move them first.", name=branch.name))
    count = _people_in(branch, active_only=False)
    if count:
        raise DomainError(_("%(name)s still has %(count)d people; it cannot be deleted. Move them, or deactivate the branch instead.", name=branch.name, count=count))
    if db.session.scalar(select(func.count(RoleGrant.id)).where(RoleGrant.branch_id == branch.id)):
        raise DomainError(_("%(name)s still has role grants; revoke them first.", name=branch.name))
    audit.record(actor, "branch.delete", branch, branch=branch.parent, summary=branch.name, before={"name": branch.name, "parent": branch.parent.name})
    db.session.delete(branch)
    db.session.flush()
