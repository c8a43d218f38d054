"""Roster import (名册导入): all rows or none, with every problem listed by row number and column.

    import_roster_file(actor, filename, data, update_existing=False) -> ImportResult

Accepts the learnapp template and the register (名册) as committees keep it: title rows above the
header, merged cells, columns in any order (roster_sheet.py), the register's person facts, step
dates, contacts and introducers (roster_register.py). The file is read and every row checked before
anything is written; when any row has a problem, RosterError lists them all and the caller rolls
back. `actor` None means the CLI acting as the system (no scope limit); otherwise every branch
must lie in the actor's administered subtrees.

Without a 登录名 column (registers have none) a person is found by their mobile number, and a new
person's login ID is the mobile number. Without a 阶段 column the stage follows from the latest
date (转正时间 → 正式党员 …) or from the title (…入党积极分子名册).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from learnapp import audit, clock
from learnapp.accounts import register_history, roster_register, services, stage_history
from learnapp.accounts.models import Stage, User
from learnapp.accounts.permissions import SYSTEM, is_system
from learnapp.accounts.roster_checks import (
    BranchIndex,
    Cells,
    Context,
    find_branch,
    find_existing,
    find_stage,
    stage_in_title,
    title_branch,
)
from learnapp.accounts.roster_files import UnreadableFile
from learnapp.accounts.roster_sheet import COLUMNS, find_layout, read_grid
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.org.models import Branch
from learnapp.org.queries import common_ancestor, full_names

MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """A reason a row (or the file, row 0 or 1) cannot be imported; `column` as headed in the file."""

    row: int
    column: str | None
    message: str


class RosterError(Exception):
    """The roster has problems; nothing was imported. `warnings`: what the reading noticed besides."""

    def __init__(self, problems: list[Problem], warnings: list[str] | None = None):
        self.problems = sorted(problems, key=lambda p: p.row)
        self.warnings = warnings or []
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
    warnings: list[str] = field(default_factory=list)  # e.g. the columns no field knows (not imported)
    checked_only: bool = False  # a preview: nothing was saved


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
    facts: roster_register.RegisterFacts
    stage_given: bool  # a 阶段 cell was filled in (else the stage follows from the dates)


def _check_rows(ctx: Context, rows: list[tuple[int, list]], problems: list[Problem]) -> list[_Row]:
    checked: list[_Row] = []
    for number, values in rows:
        cells = Cells(values, ctx.columns, number)
        if cells.is_note():
            continue
        if ctx.is_own_row(cells):
            ctx.own_rows.append(number)
            continue

        def problem(key: str, message: str, number: int = number) -> None:
            problems.append(Problem(number, ctx.columns[key][1] if key in ctx.columns else COLUMNS[key][0], message))

        before = len(problems)
        name = cells.text("name")
        if not name:
            problem("name", _("The name is missing."))
        elif len(name) > 80:
            problem("name", _("The name is longer than 80 characters."))
        login_id, existing = find_existing(ctx, cells, problem)
        branch = find_branch(ctx, cells, problem)
        facts = roster_register.check_register_cells(ctx.actor, cells, existing, branch, ctx.names, problem)
        stage, since = find_stage(ctx, cells, facts, existing, problem)
        phone = email = None
        try:
            phone = services.normalise_phone(cells.text("phone"))
        except DomainError:
            problem("phone", _("Not a valid mobile number: %(phone)s", phone=cells.text("phone")))
        try:
            email = services.normalise_email(cells.text("email"))
        except DomainError:
            problem("email", _("Not a valid e-mail address: %(email)s", email=cells.text("email")))
        if len(problems) == before:
            checked.append(_Row(number, name, login_id, branch, stage, phone, email, since, existing, facts,
                                bool(cells.text("stage"))))
    return checked


def _update(actor, row: _Row, filename: str) -> bool:
    """Apply a roster row to an existing person; True when anything changed."""
    user = row.existing
    changed = False
    # Empty optional cells leave what is recorded: a roster without phone numbers must not wipe them.
    phone = row.phone if row.phone is not None else user.phone
    email = row.email if row.email is not None else user.email
    if (row.name, row.branch.id, phone, email) != (user.name, user.branch_id, user.phone, user.email):
        if not is_system(actor):
            services.update_user(actor, user, name=row.name, branch=row.branch, phone=phone, email=email)
        else:
            _system_update(user, row, phone, email)
        changed = True
    if row.stage != user.stage and not row.facts.dates:  # with dates, the steps of the dates set the stage
        # The roster reports history: recorded as it happened (no guards), listed by the
        # development check where it breaks the rules; the stage is derived from the step.
        effective_on = row.stage_since or clock.today()
        note = _("Roster import %(file)s", file=filename)
        stage_history.record_stage(actor, user, row.stage, effective_on, note=note, source="register")
        changed = True
    return changed


def _system_update(user: User, row: _Row, phone: str | None, email: str | None) -> None:
    # The CLI imports as the system: no person's permission to check, but the change is audited.
    before = {"name": user.name, "branch": user.branch.name, "phone": user.phone, "email": user.email}
    user.name, user.branch, user.phone, user.email = row.name, row.branch, phone, email
    audit.record(SYSTEM, "user.update", user, branch=row.branch, summary=user.name, before=before,
                 after={"name": user.name, "branch": row.branch.name, "phone": phone, "email": email})


def _read(filename: str, data: bytes) -> tuple[str, object, list[Problem]]:
    if len(data) > MAX_BYTES:
        raise RosterError([Problem(0, None, _("The file is larger than %(size)d MB.", size=MAX_BYTES // (1024 * 1024)))])
    try:
        grid = read_grid(filename, data)
    except UnreadableFile as exc:
        raise RosterError([Problem(0, None, str(exc))]) from None
    if not grid.rows:
        raise RosterError([Problem(0, None, _("The file is empty."))])
    found: list = []
    layout = find_layout(grid, found)
    if layout is None:
        raise RosterError([Problem(0, None, _("No header row found: none of the first rows has the heading 姓名 and another "
                                              "known heading (e.g. 性别, 所在支部, 登录名)."))])
    problems = [Problem(row, heading, message) for row, heading, message in found]
    return grid.kind, layout, problems


def import_roster_file(actor, filename: str, data: bytes, update_existing: bool = False, *,
                       check_only: bool = False) -> ImportResult:
    """Check the whole roster, then create (or update) its people; raises RosterError listing every problem.

    Writes are flushed, not committed: the caller commits on success and rolls back on error.
    `check_only` is the preview: everything is done inside a savepoint that is then undone, so the
    result says what the import would do and nothing (not even the audit entry) remains.
    """
    if not check_only:
        return _import(actor, filename, data, update_existing)
    savepoint = db.session.begin_nested()
    try:
        result = _import(actor, filename, data, update_existing)
    finally:
        savepoint.rollback()
    result.passwords, result.checked_only = {}, True
    return result


def _import(actor, filename: str, data: bytes, update_existing: bool) -> ImportResult:
    kind, layout, problems = _read(filename, data)
    warnings = []
    if layout.unknown:
        warnings.append(_("These columns are not imported (no field of learnapp matches them): %(columns)s",
                          columns="、".join(layout.unknown)))
    if "name" not in layout.columns:
        problems.append(Problem(layout.header_row, "姓名", _("The column %(column)s is missing.", column="姓名")))
    branches = BranchIndex()
    ctx = Context(actor, layout.columns, update_existing, branches, roster_register.NameIndex(actor),
                   title_branch(layout.title, branches), stage_in_title(layout.title))
    if "branch" not in layout.columns and ctx.title_branch is None:
        problems.append(Problem(layout.header_row, "支部", _("The column %(column)s is missing, and the title names no branch.",
                                                           column="支部")))
    dated = any(column in layout.columns for column in register_history.DATE_STEPS)
    if "stage" not in layout.columns and not dated and ctx.title_stage is None:
        problems.append(Problem(layout.header_row, "阶段", _("The column %(column)s is missing; give the stage, the dates of "
                                                           "the steps (申请入党时间 …) or the stage in the title.", column="阶段")))
    if problems:
        raise RosterError(problems, warnings)
    if not layout.body:
        raise RosterError([Problem(layout.header_row, None, _("The file has a header row but no people."))], warnings)
    checked = _check_rows(ctx, layout.body, problems)
    if ctx.own_rows:
        warnings.append(_("Row %(rows)s is your own account and was left as it is: another administrator changes it.",
                          rows="、".join(str(n) for n in ctx.own_rows)))
    if problems:
        raise RosterError(problems, warnings)
    if not checked:
        raise RosterError([Problem(layout.header_row, None, _("The file has a header row but no people."))], warnings)

    result = ImportResult(file_kind=kind, warnings=warnings)
    names = full_names()
    try:
        for row in checked:
            if row.existing is None:
                user, password = services.create_user(
                    actor, login_id=row.login_id, name=row.name, branch=row.branch, stage=row.stage,
                    phone=row.phone, email=row.email, stage_since=row.stage_since, stage_source="register", bulk=True)
                roster_register.apply_register_facts(actor, user, row.facts, filename)
                result.created += 1
                result.passwords[user.login_id] = password
                action = "created"
            elif _update(actor, row, filename) | roster_register.apply_register_facts(actor, row.existing, row.facts, filename):
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
                 created=result.created, updated=result.updated, unchanged=result.unchanged,
                 unknown_columns=layout.unknown)
    db.session.flush()
    return result
