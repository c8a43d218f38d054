"""Reads of reading lists: the lists assigned to a person, a material's place on them, the
lists an administrator may manage or read, and a person's reading status.

Public API for other domains:
- `reading_status(user, year)` — the assessment record: required items done / total, credit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import ColumnElement, Select, String, and_, bindparam, false, or_, select, true
from sqlalchemy.orm import selectinload

from learnapp import clock
from learnapp.accounts.models import User
from learnapp.db import db, loaded_rows
from learnapp.ledger.rules import rules_for_year
from learnapp.materials.credit import credit_minutes, material_credit
from learnapp.materials.models import (
    Material,
    ReadingList,
    ReadingListAssignment,
    ReadingListItem,
    ReadingProgress,
)
from learnapp.org.models import Branch
from learnapp.security import (
    admin_paths,
    branch_ids_under,
    is_auditor,
    is_committee_admin,
    read_paths,
)

# --- reading lists -----------------------------------------------------------------------------


# The statements below are built once and run with bound parameters: every reading page and the
# home page's panel ask them, and building a statement costs more than running it.


def _person_params(user: User) -> dict:
    """The parameters of `_assigned_list_ids()` for the person."""
    return {"branch_path": user.branch.path, "stage": user.stage}


@cache
def _assigned_list_ids() -> Select:
    """Ids of the lists with an assignment covering the person in :branch_path of stage :stage:
    assigned to the whole committee or to the person's branch or one above it, for every stage or
    the person's stage (a person without a stage matches assignments for every stage only).
    In table columns, so that the reading page's plain statement can use it too."""
    assignments, branches = ReadingListAssignment.__table__.c, Branch.__table__.c
    in_branch = or_(assignments.branch_id.is_(None), bindparam("branch_path", type_=String).like(branches.path + "%"))
    for_stage = or_(assignments.stage.is_(None), assignments.stage == bindparam("stage"))
    return (select(assignments.reading_list_id)
            .outerjoin(Branch.__table__, branches.id == assignments.branch_id).where(in_branch, for_stage))


def _list_order():
    lists = ReadingList.__table__.c
    return lists.owner_branch_id.is_not(None), lists.title


@cache
def _lists_statement() -> Select:
    return (select(ReadingList)
            .where(ReadingList.year == bindparam("year"), ReadingList.active, ReadingList.id.in_(_assigned_list_ids()))
            .order_by(*_list_order())
            .options(selectinload(ReadingList.items).selectinload(ReadingListItem.material).defer(Material.body)))


def lists_for_user(user: User, year: int) -> list[ReadingList]:
    """Active reading lists of the year assigned to the person's branch (or above) and stage,
    with their items and the items' materials (without the text) loaded: three statements."""
    return list(db.session.scalars(_lists_statement(), {"year": year, **_person_params(user)}))


@cache
def _memberships_statement() -> Select:
    lists, items = ReadingList.__table__, ReadingListItem.__table__
    return (select(*lists.c, *items.c).join(items, items.c.reading_list_id == lists.c.id)
            .where(lists.c.year == bindparam("year"), lists.c.active, lists.c.id.in_(_assigned_list_ids()),
                   items.c.material_id == bindparam("material_id"))
            .order_by(*_list_order(), lists.c.id))


def memberships(user: User, year: int, material: Material) -> list[tuple[ReadingList, ReadingListItem]]:
    """The person's lists of the year that include this (published) material, with the item
    (required flag, due date): one statement."""
    if not material.is_published:
        return []  # a withdrawn material is not asked of anyone
    return loaded_rows(_memberships_statement(), {"year": year, "material_id": material.id, **_person_params(user)},
                       ReadingList, ReadingListItem)


def manageable_lists(actor) -> ColumnElement[bool]:
    """Filter on ReadingList: lists the actor may edit (committee lists: committee admins only)."""
    clauses = []
    if is_committee_admin(actor):
        return true()
    paths = admin_paths(actor)
    if paths:
        clauses.append(ReadingList.owner_branch_id.in_(branch_ids_under(paths)))
    return or_(*clauses) if clauses else false()


def readable_lists(actor) -> ColumnElement[bool]:
    """Filter on ReadingList: lists whose progress the actor may read (admins, auditors)."""
    if is_committee_admin(actor) or is_auditor(actor):
        return true()
    paths = read_paths(actor)
    if not paths:
        return false()
    # Branch admins read their own lists and the committee's lists (for their people's progress).
    return or_(ReadingList.owner_branch_id.is_(None), ReadingList.owner_branch_id.in_(branch_ids_under(paths)))


@dataclass
class ItemStatus:
    item: ReadingListItem
    progress: ReadingProgress | None
    item_credit: int  # hundredths the year's rules give for the material
    today: date | None = None  # the local date the status is for (default: clock.today())

    @property
    def material(self) -> Material:
        return self.item.material

    @property
    def state(self) -> str:
        """'completed', 'in_progress' or 'not_started'."""
        if self.progress is not None and self.progress.completed_at is not None:
            return "completed"
        if self.progress is not None and self.progress.active_seconds > 0:
            return "in_progress"
        return "not_started"

    @property
    def seconds(self) -> int:
        return self.progress.active_seconds if self.progress else 0

    @property
    def credit(self) -> int:
        return self.progress.granted_hundredths if self.progress else 0

    @property
    def overdue(self) -> bool:
        return (self.item.due_on is not None and self.state != "completed"
                and self.item.due_on < (self.today or clock.today()))


@dataclass
class ListStatus:
    reading_list: ReadingList
    items: list[ItemStatus] = field(default_factory=list)

    @property
    def required(self) -> list[ItemStatus]:
        return [i for i in self.items if i.item.required]

    @property
    def required_done(self) -> int:
        return sum(1 for i in self.required if i.state == "completed")


@cache
def _progress_statement(some: bool) -> Select:
    progress = ReadingProgress.__table__
    stmt = select(*progress.c).where(progress.c.user_id == bindparam("user_id"), progress.c.year == bindparam("year"))
    return stmt.where(progress.c.material_id.in_(bindparam("material_ids", expanding=True))) if some else stmt


def progress_map(user_id: int, year: int, material_ids: list[int] | None = None) -> dict[int, ReadingProgress]:
    """The person's progress in the year by material id (of these materials only, when given)."""
    params = {"user_id": user_id, "year": year}
    if material_ids is not None:
        params["material_ids"] = list(material_ids) or [0]
    return {p.material_id: p for p in loaded_rows(_progress_statement(material_ids is not None), params, ReadingProgress)}


def my_lists(user: User, year: int, *, progress: dict[int, ReadingProgress] | None = None) -> list[ListStatus]:
    """Each list assigned to the person, each published item with its status, time and credit
    (five statements at most, whatever the length of the lists).

    `progress`: the person's whole `progress_map(user.id, year)` when the caller has it already."""
    result = []
    lists = lists_for_user(user, year)
    material_ids = [item.material_id for rl in lists for item in rl.items]
    if progress is None:
        progress = progress_map(user.id, year, material_ids) if material_ids else {}
    rules = rules_for_year(year) if material_ids else None
    today = clock.today()
    for rl in lists:
        status = ListStatus(rl)
        for item in rl.items:
            if not item.material.is_published:
                continue  # a withdrawn material is not asked of anyone
            status.items.append(ItemStatus(item, progress.get(item.material_id),
                                           material_credit(year, credit_minutes(item.material), item.material.kind,
                                                           rules=rules), today))
        result.append(status)
    return result


@dataclass
class ReadingStatus:
    """A person's reading in one year, for the assessment record."""

    year: int
    required_total: int
    required_done: int
    optional_total: int
    optional_done: int
    credit_hundredths: int  # reading/video credit granted in the year (all materials, listed or not)
    active_seconds: int

    @property
    def all_required_done(self) -> bool:
        return self.required_done >= self.required_total


def reading_of(user: User, year: int) -> tuple[list[ListStatus], ReadingStatus]:
    """The person's lists with their items' status and the year's summary, reading the year's
    progress once (for pages that show both)."""
    progress = progress_map(user.id, year)
    lists = my_lists(user, year, progress=progress)
    return lists, reading_status(user, year, lists=lists, progress=progress)


def reading_status(user: User, year: int | None = None, *, lists: list[ListStatus] | None = None,
                   progress: dict[int, ReadingProgress] | None = None) -> ReadingStatus:
    """Required items done / total across every list assigned to the person in the year
    (an item on two lists counts once; required on any list makes it required).

    `lists`: the person's `my_lists(user, year)` when the caller has them already; `progress`:
    their whole `progress_map(user.id, year)`."""
    year = year or clock.today().year
    required: dict[int, bool] = {}
    if lists is not None:
        items = [entry.item for status in lists for entry in status.items]
    else:
        items = [item for rl in lists_for_user(user, year) for item in rl.items if item.material.is_published]
    for item in items:
        required[item.material_id] = required.get(item.material_id, False) or item.required
    if progress is None:
        progress = progress_map(user.id, year)
    done = {mid for mid, p in progress.items() if p.completed_at is not None}
    req = [m for m, r in required.items() if r]
    opt = [m for m, r in required.items() if not r]
    return ReadingStatus(
        year=year, required_total=len(req), required_done=sum(1 for m in req if m in done),
        optional_total=len(opt), optional_done=sum(1 for m in opt if m in done),
        credit_hundredths=sum(p.granted_hundredths for p in progress.values()),
        active_seconds=sum(p.active_seconds for p in progress.values()),
    )


def people_for_list(reading_list: ReadingList) -> Select:
    """People the list is assigned to (active accounts), as a select of User."""
    clauses = []
    for assignment in reading_list.assignments:
        parts = []
        if assignment.branch is not None:
            parts.append(User.branch_id.in_(select(Branch.id).where(Branch.path.startswith(assignment.branch.path))))
        if assignment.stage is not None:
            parts.append(User.stage == assignment.stage)
        clauses.append(and_(true(), *parts))
    if not clauses:
        return select(User).where(false())
    return select(User).where(User.active, or_(*clauses))


def due_soon(user: User, within_days: int = 14, *, lists: list[ListStatus] | None = None) -> list[ItemStatus]:
    """Required items not yet completed with a due date in the next days (home-page panel).

    `lists`: the person's `my_lists(user, <this year>)` when the caller has them already."""
    today = clock.today()
    result = []
    for status in (my_lists(user, today.year) if lists is None else lists):
        for item in status.required:
            if item.state != "completed" and item.item.due_on is not None and (item.item.due_on - today).days <= within_days:
                result.append(item)
    return sorted(result, key=lambda i: i.item.due_on or date.max)
