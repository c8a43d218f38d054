"""The branch tree with its head counts (active people per branch and stage, rolled up)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select

from learnapp.accounts.models import RoleGrant, Stage, User
from learnapp.db import db
from learnapp.org.models import Branch
from learnapp.org.queries import branches_where


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


def people_count(branch: Branch, *, active_only: bool = True) -> int:
    """People in the subtree of `branch`."""
    stmt = (select(func.count(User.id)).join(Branch, User.branch_id == Branch.id)
            .where(Branch.path.startswith(branch.path, autoescape=True)))
    if active_only:
        stmt = stmt.where(User.active)
    return db.session.scalar(stmt) or 0


def grants_on(branch: Branch) -> list[RoleGrant]:
    """The role grants on the branch itself (not its subtree), by role."""
    return list(db.session.scalars(select(RoleGrant).where(RoleGrant.branch_id == branch.id).order_by(RoleGrant.role)))
