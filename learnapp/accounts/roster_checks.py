"""The checks of one roster row: who the person is, their branch and stage (used by roster.py).

    Context(...)              what every row's check shares (header, branches, names, title's defaults)
    find_existing / find_branch / find_stage(ctx, cells, ..., problem)

Each check reports through `problem(field, message)` and returns None for a value it refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from learnapp.accounts import person_fields, roster_register, services
from learnapp.accounts.models import STAGE_CHINESE, Stage, User
from learnapp.accounts.permissions import can_manage_branch, can_manage_user, is_system
from learnapp.accounts.roster_sheet import cell_text, field_of
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.org.models import Branch
from learnapp.org.queries import full_names

FOOTER_RE = re.compile(r"^(填表人|制表人|审核人|负责人|经办人|联系人|填表日期|制表日期|注|说明)\s*[：:]")


class Cells:
    """One row's cells by field."""

    def __init__(self, cells: list, columns: dict[str, tuple[int, str]], number: int):
        self.cells, self.columns, self.number = cells, columns, number

    def is_note(self) -> bool:
        """A row that holds no person: only its 序号, one text merged across (a note, 填表人…), or the
        header repeated."""
        seq = self.columns.get("seq", (-1, ""))[0]
        filled = [cell_text(v) for i, v in enumerate(self.cells) if i != seq and cell_text(v)]
        if field_of(self.text("name")) == "name":
            return True  # the header again (registers repeat it on each printed page)
        if FOOTER_RE.match(self.text("name")):
            return True  # 填表人：…  审核人：… below the people
        if not self.text("name"):
            return len(set(filled)) <= 1
        # One text merged across the row (注：…, 填表人：…) fills the name column too.
        return len(set(filled)) == 1 and len(filled) > 1

    def raw(self, key: str):
        position = self.columns.get(key)
        value = self.cells[position[0]] if position and position[0] < len(self.cells) else None
        if isinstance(value, str) and value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r"):
            return value[1:]  # an export's guard against formulas, not part of the value
        return value

    def text(self, key: str) -> str:
        return cell_text(self.raw(key))


def stage_in_title(title: str) -> Stage | None:
    found = [stage for stage in Stage if STAGE_CHINESE[stage] in title]
    return found[0] if len(found) == 1 else None


class BranchIndex:
    """Resolves the 支部 column: a unique name, or a path of names ending in the branch."""

    def __init__(self):
        self.branches = {b.id: b for b in db.session.scalars(select(Branch))}
        self.names = full_names()
        self.by_name: dict[str, list[Branch]] = {}
        for b in self.branches.values():
            self.by_name.setdefault(b.name, []).append(b)

    def chain(self, branch: Branch) -> list[str]:
        names = []
        node: Branch | None = branch
        while node is not None:
            names.append(node.name)
            node = self.branches.get(node.parent_id) if node.parent_id else None
        return list(reversed(names))

    def find(self, text: str) -> tuple[Branch | None, str | None]:
        parts = [p.strip() for p in re.split(r"[/／\\]", text) if p.strip()]
        candidates = [b for b in self.by_name.get(parts[-1], []) if self.chain(b)[-len(parts):] == parts] if parts else []
        if len(candidates) == 1:
            return candidates[0], None
        if not candidates:
            return None, _("Unknown branch: %(branch)s", branch=text)
        return None, _("The branch name %(branch)s is not unique; write its path, e.g. %(example)s.",
                       branch=text, example=self.names[candidates[0].id])


def title_branch(title: str, branches: BranchIndex) -> Branch | None:
    """The branch a register's title names (第一支部入党积极分子名册), when exactly one is named."""
    named = [b for b in branches.branches.values() if b.parent_id is not None and b.name in title]
    longest = max((len(b.name) for b in named), default=0)
    named = [b for b in named if len(b.name) == longest]
    return named[0] if len(named) == 1 else None


@dataclass
class Context:
    """What every row's check shares: the header, the branches, the names, the title's defaults."""

    actor: object
    columns: dict[str, tuple[int, str]]
    update_existing: bool
    branches: BranchIndex
    names: roster_register.NameIndex
    title_branch: Branch | None
    title_stage: Stage | None
    seen: dict[str, int] = field(default_factory=dict)
    own_rows: list[int] = field(default_factory=list)  # rows naming the importer: left as they are

    def is_own_row(self, cells) -> bool:
        """A row naming the importer themselves (an exported list re-imported): nobody changes their
        own account through an import, so the row is left out rather than refused."""
        login_id = cells.text("login_id")
        return bool(self.update_existing and not is_system(self.actor) and login_id
                    and login_id.lower() == (getattr(self.actor, "login_id", "") or "").lower())


def find_existing(ctx: Context, cells: Cells, problem) -> tuple[str, User | None]:
    """The row's login ID (given, or the mobile number) and the person it already names, if any."""
    actor = ctx.actor
    login_id = cells.text("login_id")
    phone_text = cells.text("phone")
    if not login_id and phone_text:
        # A register has no login IDs: the mobile number finds the person, or becomes the login ID.
        try:
            phone = services.normalise_phone(phone_text)
        except DomainError:
            return "", None  # the mobile number's own check names the cell
        if phone:
            holder = db.session.scalars(select(User).where(User.phone == phone)).all()
            login_id = holder[0].login_id if len(holder) == 1 else phone
    if not login_id:
        problem("login_id", _("The login ID is missing (a register without 登录名 needs the 手机 number, used as login ID)."))
        return login_id, None
    if not services.LOGIN_ID_RE.match(login_id):
        problem("login_id", _("The login ID %(login_id)s must be 2–64 letters, digits, '.', '_' or '-'.", login_id=login_id))
        return login_id, None
    if login_id.lower() in ctx.seen:
        problem("login_id", _("The login ID %(login_id)s appears twice in the file (first in row %(row)d).",
                              login_id=login_id, row=ctx.seen[login_id.lower()]))
        return login_id, None
    ctx.seen[login_id.lower()] = cells.number
    existing = db.session.scalar(select(User).where(func.lower(User.login_id) == login_id.lower()))
    if existing is not None and not ctx.update_existing:
        problem("login_id", _("The login ID %(login_id)s is already used by %(name)s.", login_id=login_id, name=existing.name)
                if is_system(actor) or can_manage_user(actor, existing)
                else _("The login ID %(login_id)s is already used.", login_id=login_id))
        return login_id, None
    if existing is not None and not is_system(actor) and not can_manage_user(actor, existing):
        problem("login_id", _("The login ID %(login_id)s belongs to a person outside the branches you administer.", login_id=login_id))
        return login_id, None
    return login_id, existing


def find_branch(ctx: Context, cells: Cells, problem) -> Branch | None:
    branch_text = cells.text("branch")
    if not branch_text:
        if ctx.title_branch is not None and "branch" not in ctx.columns:
            branch, branch_text = ctx.title_branch, ctx.title_branch.name
        else:
            problem("branch", _("The branch is missing."))
            return None
    else:
        branch, message = ctx.branches.find(branch_text)
        if message:
            problem("branch", message)
            return None
    if not is_system(ctx.actor) and not can_manage_branch(ctx.actor, branch):
        problem("branch", _("The branch %(branch)s is outside the branches you administer.", branch=branch_text))
        return None
    if not branch.active:
        problem("branch", _("The branch %(branch)s is deactivated.", branch=branch_text))
        return None
    return branch


def find_stage(ctx: Context, cells: Cells, facts, existing: User | None, problem) -> tuple[Stage | None, date | None]:
    """The stage: from the dates (the latest step), else the 阶段 cell, else the title; and since when."""
    stage = None
    if cells.text("stage"):
        try:
            stage = services.parse_stage(cells.text("stage"))
        except DomainError:
            problem("stage", _("Unknown stage %(stage)s; use 入党申请人, 入党积极分子, 发展对象, 预备党员 or 正式党员.", stage=cells.text("stage")))
            return None, None
    date_stage, date_on = facts.stage
    if stage is not None and date_stage is not None and stage != date_stage:
        problem("stage", _("The stage %(stage)s does not match the dates in the row, which make the person %(dated)s.",
                           stage=STAGE_CHINESE[stage], dated=STAGE_CHINESE[date_stage]))
        return None, None
    stage = date_stage or stage or (existing.stage if existing is not None else ctx.title_stage)
    if stage is None:
        problem("stage", _("The stage is missing: fill in 阶段 or the dates of the steps (申请入党时间 …)."))
        return None, None
    since = date_on
    if since is None and cells.text("stage_since"):
        try:
            found = person_fields.parse_register_date(cells.raw("stage_since"))
            since = found.day if found else None
        except ValueError as exc:
            problem("stage_since", str(exc))
    if existing is not None and ctx.update_existing and stage.rank < existing.stage.rank:
        problem("stage", _("%(name)s is already %(current)s; a roster cannot move a person back. Correct it on the person's page.",
                           name=existing.name, current=existing.stage.label))
    return stage, since
