"""Roster import (名册导入): all rows or none, with every problem listed by row number.

    import_roster_file(actor, filename, data, update_existing=False) -> ImportResult

The file is read and every row checked before anything is written; when any row has a problem,
RosterError lists them all and the caller rolls back. `actor` None means the CLI acting as the
system (no scope limit); otherwise every branch must lie in the actor's administered subtrees.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from learnapp import audit, clock
from learnapp.accounts import services, stage_history
from learnapp.accounts.models import Stage, User
from learnapp.accounts.roster_files import MAX_ROWS, UnreadableFile, read_rows
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.org.models import Branch
from learnapp.org.queries import common_ancestor, full_names
from learnapp.security import can_manage_branch, can_manage_user

# Header aliases, compared after lower-casing and removing spaces, '*' and bracketed hints.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "login_id": ("工号", "login_id", "loginid", "登录名", "用户名", "账号"),
    "branch": ("支部", "branch", "所在支部", "党支部"),
    "stage": ("阶段", "stage", "发展阶段"),
    "phone": ("手机", "phone", "手机号", "手机号码", "mobile"),
    "email": ("邮箱", "email", "e-mail", "电子邮箱"),
    "stage_since": ("阶段日期", "stage_since", "阶段起始日期"),
}
REQUIRED = ("name", "login_id", "branch", "stage")
MAX_BYTES = 5 * 1024 * 1024
_HINT_RE = re.compile(r"[（(][^）)]*[）)]|[*＊\s]")
_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass(frozen=True)
class Problem:
    """A reason a row (or the file, row 0 or 1) cannot be imported; `column` as headed in the file."""

    row: int
    column: str | None
    message: str


class RosterError(Exception):
    """The roster has problems; nothing was imported."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.row)
        super().__init__(f"{len(self.problems)} problem(s)")


@dataclass
class ImportedRow:
    row: int
    login_id: str
    name: str
    branch: str
    action: str  # "created", "updated" or "unchanged"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    passwords: dict[str, str] = field(default_factory=dict)  # login ID -> temporary password (new people)
    unchanged: int = 0
    rows: list[ImportedRow] = field(default_factory=list)
    file_kind: str = ""


@dataclass
class _Row:
    row: int
    name: str
    login_id: str
    branch: Branch
    stage: Stage
    phone: str | None
    email: str | None
    stage_since: date | None
    existing: User | None


def _normalise_header(text: str) -> str:
    return _HINT_RE.sub("", text.replace("\ufeff", "")).lower()


def _map_headers(cells: list[str], problems: list[Problem]) -> dict[str, tuple[int, str]]:
    """field -> (column index, header as written)."""
    lookup = {_normalise_header(alias): key for key, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, tuple[int, str]] = {}
    for index, header in enumerate(cells):
        key = lookup.get(_normalise_header(header))
        if key is None:
            continue  # extra columns such as 序号 or 备注 are ignored
        if key in found:
            problems.append(Problem(1, header, _("The column %(column)s appears twice.", column=header)))
            continue
        found[key] = (index, header)
    for key in REQUIRED:
        if key not in found:
            problems.append(Problem(1, COLUMNS[key][0], _("The column %(column)s is missing.", column=COLUMNS[key][0])))
    return found


class _BranchIndex:
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


def _parse_date(text: str) -> date:
    match = _DATE_RE.match(text.strip())
    if not match:
        raise ValueError(text)
    return date(int(match[1]), int(match[2]), int(match[3]))


def _check_rows(actor, rows: list[tuple[int, list[str]]], headers: dict[str, tuple[int, str]],
                update_existing: bool, problems: list[Problem]) -> list[_Row]:
    index = _BranchIndex()
    seen: dict[str, int] = {}
    checked: list[_Row] = []
    today = clock.today()
    for number, cells in rows:
        def cell(key: str, cells: list[str] = cells) -> str:
            position = headers.get(key)
            return cells[position[0]].strip() if position and position[0] < len(cells) else ""

        def problem(key: str, message: str, number: int = number) -> None:
            problems.append(Problem(number, headers[key][1] if key in headers else COLUMNS[key][0], message))

        before = len(problems)
        name, login_id = cell("name"), cell("login_id")
        if not name:
            problem("name", _("The name is missing."))
        elif len(name) > 80:
            problem("name", _("The name is longer than 80 characters."))
        existing = None
        if not login_id:
            problem("login_id", _("The login ID is missing."))
        elif not services.LOGIN_ID_RE.match(login_id):
            problem("login_id", _("The login ID %(login_id)s must be 2–64 letters, digits, '.', '_' or '-'.", login_id=login_id))
        elif login_id.lower() in seen:
            problem("login_id", _("The login ID %(login_id)s appears twice in the file (first in row %(row)d).",
                                  login_id=login_id, row=seen[login_id.lower()]))
        else:
            seen[login_id.lower()] = number
            existing = db.session.scalar(select(User).where(func.lower(User.login_id) == login_id.lower()))
            if existing is not None and not update_existing:
                problem("login_id", _("The login ID %(login_id)s is already used by %(name)s.", login_id=login_id, name=existing.name)
                        if actor is None or can_manage_user(actor, existing)
                        else _("The login ID %(login_id)s is already used.", login_id=login_id))
            elif existing is not None and actor is not None and not can_manage_user(actor, existing):
                problem("login_id", _("The login ID %(login_id)s belongs to a person outside the branches you administer.", login_id=login_id))
        branch = None
        branch_text = cell("branch")
        if not branch_text:
            problem("branch", _("The branch is missing."))
        else:
            branch, message = index.find(branch_text)
            if message:
                problem("branch", message)
            elif actor is not None and not can_manage_branch(actor, branch):
                problem("branch", _("The branch %(branch)s is outside the branches you administer.", branch=branch_text))
            elif not branch.active:
                problem("branch", _("The branch %(branch)s is deactivated.", branch=branch_text))
        stage = None
        try:
            stage = services.parse_stage(cell("stage")) if cell("stage") else None
            if stage is None:
                problem("stage", _("The stage is missing."))
        except DomainError:
            problem("stage", _("Unknown stage %(stage)s; use 入党申请人, 入党积极分子, 发展对象, 预备党员 or 正式党员.", stage=cell("stage")))
        phone = email = since = None
        try:
            phone = services.normalise_phone(cell("phone"))
        except DomainError:
            problem("phone", _("Not a valid mobile number: %(phone)s", phone=cell("phone")))
        try:
            email = services.normalise_email(cell("email"))
        except DomainError:
            problem("email", _("Not a valid e-mail address: %(email)s", email=cell("email")))
        if cell("stage_since"):
            try:
                since = _parse_date(cell("stage_since"))
                if since > today:
                    problem("stage_since", _("The date %(date)s is in the future.", date=since.isoformat()))
            except ValueError:
                problem("stage_since", _("Not a date: %(value)s (write e.g. 2025-07-01).", value=cell("stage_since")))
        if existing is not None and stage is not None and update_existing and stage.rank < existing.stage.rank:
            problem("stage", _("%(name)s is already %(current)s; a roster cannot move a person back. Correct it on the person's page.",
                               name=existing.name, current=existing.stage.label))
        if len(problems) == before:
            checked.append(_Row(number, name, login_id, branch, stage, phone, email, since, existing))
    return checked


def _update(actor, row: _Row, filename: str) -> bool:
    """Apply a roster row to an existing person; True when anything changed."""
    user = row.existing
    changed = False
    # Empty optional cells leave what is recorded: a roster without phone numbers must not wipe them.
    phone = row.phone if row.phone is not None else user.phone
    email = row.email if row.email is not None else user.email
    if (row.name, row.branch.id, phone, email) != (user.name, user.branch_id, user.phone, user.email):
        if actor is not None:
            services.update_user(actor, user, name=row.name, branch=row.branch, phone=phone, email=email)
        else:
            _system_update(user, row, phone, email)
        changed = True
    if row.stage != user.stage:
        # The roster reports history: recorded as it happened (no guards), listed by the
        # development check where it breaks the rules; the stage is derived from the step.
        effective_on = row.stage_since or clock.today()
        note = _("Roster import %(file)s", file=filename)
        stage_history.record_stage(actor, user, row.stage, effective_on, note=note, source="register")
        changed = True
    return changed


def _system_update(user: User, row: _Row, phone: str | None, email: str | None) -> None:
    # The CLI imports as the system: no actor to check, but the change is still audited.
    before = {"name": user.name, "branch": user.branch.name, "phone": user.phone, "email": user.email}
    user.name, user.branch, user.phone, user.email = row.name, row.branch, phone, email
    audit.record(None, "user.update", user, branch=row.branch, summary=user.name, before=before,
                 after={"name": user.name, "branch": row.branch.name, "phone": phone, "email": email})


def import_roster_file(actor, filename: str, data: bytes, update_existing: bool = False) -> ImportResult:
    """Check the whole roster, then create (or update) its people; raises RosterError listing every problem.

    Writes are flushed, not committed: the caller commits on success and rolls back on error.
    """
    if len(data) > MAX_BYTES:
        raise RosterError([Problem(0, None, _("The file is larger than %(size)d MB.", size=MAX_BYTES // (1024 * 1024)))])
    try:
        kind, rows = read_rows(filename, data)
    except UnreadableFile as exc:
        raise RosterError([Problem(0, None, str(exc))]) from None
    if not rows:
        raise RosterError([Problem(0, None, _("The file is empty."))])
    problems: list[Problem] = []
    header_row, header_cells = rows[0]
    headers = _map_headers(header_cells, problems)
    if problems:
        raise RosterError(problems)
    body = rows[1:]
    if not body:
        raise RosterError([Problem(header_row, None, _("The file has a header row but no people."))])
    if len(body) > MAX_ROWS:
        raise RosterError([Problem(0, None, _("The file has more than %(count)d rows; split it into smaller files.", count=MAX_ROWS))])
    checked = _check_rows(actor, body, headers, update_existing, problems)
    if problems:
        raise RosterError(problems)

    result = ImportResult(file_kind=kind)
    names = full_names()
    try:
        for row in checked:
            if row.existing is None:
                user, password = services.create_user(
                    actor, login_id=row.login_id, name=row.name, branch=row.branch, stage=row.stage,
                    phone=row.phone, email=row.email, stage_since=row.stage_since, bulk=True)
                result.created += 1
                result.passwords[user.login_id] = password
                action = "created"
            elif _update(actor, row, filename):
                result.updated += 1
                action = "updated"
            else:
                result.unchanged += 1
                action = "unchanged"
            result.rows.append(ImportedRow(row.row, row.login_id, row.name, names.get(row.branch.id, row.branch.name), action))
    except DomainError as exc:
        # Checked above, so only a concurrent change gets here; the caller rolls everything back.
        raise RosterError([Problem(row.row, field_name, message) for field_name, message in exc.reasons]) from None
    audit.record(actor, "roster.import", ("roster", None), branch=common_ancestor([r.branch for r in checked]),
                 summary=f"{filename}: +{result.created} ~{result.updated}",
                 file=filename, sha256=hashlib.sha256(data).hexdigest(), format=kind, rows=len(checked),
                 created=result.created, updated=result.updated, unchanged=result.unchanged)
    db.session.flush()
    return result
