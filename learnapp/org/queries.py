"""Reads on the branch tree: scoped lists, choices for forms, the tree with head counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select

from learnapp.accounts.models import Stage, User
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


@dataclass
class TreeNode:
    branch: Branch
    own: int = 0  # active people directly in the branch
    total: int = 0  # active people in the whole subtree
    stages: Counter = field(default_factory=Counter)  # per stage, whole subtree
    children: list[TreeNode] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return self.branch.depth


def tree(condition: ColumnElement[bool]) -> list[TreeNode]:
    """The branches matching `condition` as a forest of nodes with active head counts."""
    branches = branches_where(condition)
    nodes = {b.id: TreeNode(b) for b in branches}
    counts = db.session.execute(
        select(User.branch_id, User.stage, func.count(User.id))
        .where(User.active, User.branch_id.in_(list(nodes) or [0]))
        .group_by(User.branch_id, User.stage)
    ).all()
    own_stages: dict[int, Counter] = {}
    for branch_id, stage, count in counts:
        nodes[branch_id].own += count
        own_stages.setdefault(branch_id, Counter())[Stage(stage)] += count
    roots: list[TreeNode] = []
    for b in branches:
        node = nodes[b.id]
        if b.parent_id in nodes:
            nodes[b.parent_id].children.append(node)
        else:
            roots.append(node)

    def roll_up(node: TreeNode) -> None:
        node.total = node.own
        node.stages = Counter(own_stages.get(node.branch.id, Counter()))
        for child in node.children:
            roll_up(child)
            node.total += child.total
            node.stages.update(child.stages)

    for root in roots:
        roll_up(root)
    return roots


def flatten(nodes: list) -> list:
    """Depth-first list of tree nodes (anything with `.children`), for a table."""
    result: list[TreeNode] = []
    for node in nodes:
        result.append(node)
        result.extend(flatten(node.children))
    return result


def people_count(branch: Branch, *, active_only: bool = True) -> int:
    """People in the subtree of `branch`."""
    stmt = (select(func.count(User.id)).join(Branch, User.branch_id == Branch.id)
            .where(Branch.path.startswith(branch.path, autoescape=True)))
    if active_only:
        stmt = stmt.where(User.active)
    return db.session.scalar(stmt) or 0
