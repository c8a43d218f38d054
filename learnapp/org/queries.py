"""Reads on the branch tree: scoped lists, choices for forms, names, the root, ancestors."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from learnapp.db import db
from learnapp.org.models import Branch


def branches_where(condition: ColumnElement[bool], *, active_only: bool = False) -> list[Branch]:
    """Branches matching a security filter (visible_branches/managed_branches), in tree order."""
    stmt = select(Branch).where(condition)
    if active_only:
        stmt = stmt.where(Branch.active)
    return sort_tree(list(db.session.scalars(stmt)))


def sort_tree(branches: list[Branch]) -> list[Branch]:
    """Depth-first order (parent before children, siblings by sort order then id)."""
    by_parent: dict[int | None, list[Branch]] = {}
    ids = {b.id for b in branches}
    for b in branches:
        by_parent.setdefault(b.parent_id if b.parent_id in ids else None, []).append(b)
    ordered: list[Branch] = []

    def walk(parent_id: int | None) -> None:
        for child in sorted(by_parent.get(parent_id, []), key=lambda b: (b.sort_order, b.id)):
            ordered.append(child)
            walk(child.id)

    walk(None)
    return ordered


def full_names() -> dict[int, str]:
    """Every branch's name with its ancestors below the committee, e.g. 第一党总支/甲支部."""
    rows = db.session.execute(select(Branch.id, Branch.name, Branch.parent_id)).all()
    by_id = {r.id: r for r in rows}
    cache: dict[int, str] = {}

    def name_of(branch_id: int) -> str:
        if branch_id in cache:
            return cache[branch_id]
        row = by_id[branch_id]
        parent = by_id.get(row.parent_id) if row.parent_id else None
        # The committee is the root of every path; leaving it out keeps the labels short.
        if parent is None or parent.parent_id is None:
            result = row.name
        else:
            result = f"{name_of(parent.id)}/{row.name}"
        cache[branch_id] = result
        return result

    return {branch_id: name_of(branch_id) for branch_id in by_id}


def branch_choices(condition: ColumnElement[bool], *, active_only: bool = True) -> list[tuple[int, str]]:
    """(id, indented label) pairs for a select field, in tree order."""
    branches = branches_where(condition, active_only=active_only)
    if not branches:
        return []
    top = min(b.depth for b in branches)
    return [(b.id, "\u3000" * (b.depth - top) + b.name) for b in branches]


def ancestors(branch: Branch) -> list[Branch]:
    """The branches from the root down to the parent of `branch`."""
    ids = [int(x) for x in branch.path.strip("/").split("/") if x][:-1]
    if not ids:
        return []
    found = {b.id: b for b in db.session.scalars(select(Branch).where(Branch.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def common_ancestor(branches: list[Branch]) -> Branch | None:
    """The deepest branch whose subtree holds all of `branches` (for scoping a bulk audit entry)."""
    if not branches:
        return None
    parts = [b.path.strip("/").split("/") for b in branches]
    shared: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        shared.append(level[0])
    return db.session.get(Branch, int(shared[-1])) if shared else None


def flatten(nodes: list) -> list:
    """Depth-first list of tree nodes (anything with `.children`), for a table."""
    result: list = []
    for node in nodes:
        result.append(node)
        result.extend(flatten(node.children))
    return result


def committee() -> Branch | None:
    """The root of the tree."""
    return db.session.scalar(select(Branch).where(Branch.parent_id.is_(None)))


def find_branch_by_name_or_path(text: str) -> Branch | None:
    """A branch by its unique name, or by a path of names separated by '/' (e.g. 机关总支/第一支部)."""
    text = (text or "").strip()
    if not text:
        return None
    parts = [p.strip() for p in text.split("/") if p.strip()]
    if len(parts) == 1:
        found = db.session.scalars(select(Branch).where(Branch.name == parts[0])).all()
        return found[0] if len(found) == 1 else None
    candidates = db.session.scalars(select(Branch).where(Branch.name == parts[-1])).all()
    for candidate in candidates:
        names, node = [], candidate
        while node is not None:
            names.append(node.name)
            node = node.parent
        names.reverse()
        if names[-len(parts):] == parts:
            return candidate
    return None


def active_branches_by_path(condition: ColumnElement[bool]) -> list[Branch]:
    """The active branches matching a security filter (managed_branches/visible_branches), by path:
    the choices of a form."""
    return list(db.session.scalars(select(Branch).where(condition, Branch.active).order_by(Branch.path)))


def branches_by_ids(ids) -> list[Branch]:
    """The branches of these ids (unknown ids are left out); the caller's service checks each."""
    return list(db.session.scalars(select(Branch).where(Branch.id.in_(ids))))
