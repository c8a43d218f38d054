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

from learnapp import clock, request_memo
from learnapp.accounts.models import User
from learnapp.db import db, loaded_rows
from learnapp.ledger.rules import rules_for_year
from learnapp.materials import books
from learnapp.materials.credit import credit_minutes, material_credit
from learnapp.materials.models import (
    Material,
    ReadingList,
    ReadingListAssignment,
    ReadingListItem,
    ReadingProgress,
    reading_state,
)
from learnapp.org.models import Branch
from learnapp.security import (
    admin_paths,
    branch_ids_under,
    is_auditor,
    is_committee_admin,
    read_paths,
    visible_users,
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
def _memberships_statement(in_book: bool) -> Select:
    lists, items = ReadingList.__table__, ReadingListItem.__table__
    # A chapter is asked for by an item naming it or naming its book (the book's due date applies).
    named = (items.c.material_id.in_([bindparam("material_id"), bindparam("book_id")]) if in_book
             else items.c.material_id == bindparam("material_id"))
    return (select(*lists.c, *items.c).join(items, items.c.reading_list_id == lists.c.id)
            .where(lists.c.year == bindparam("year"), lists.c.active, lists.c.id.in_(_assigned_list_ids()), named)
            .order_by(*_list_order(), lists.c.id))


def memberships(user: User, year: int, material: Material) -> list[tuple[ReadingList, ReadingListItem]]:
    """The person's lists of the year that include this (published) material, or the book it is a
    chapter of, with the item (required flag, due date): one statement."""
    if not material.is_published:
        return []  # a withdrawn material is not asked of anyone
    params = {"year": year, "material_id": material.id, **_person_params(user)}
    if material.book_id is not None:
        params["book_id"] = material.book_id
    return loaded_rows(_memberships_statement(material.book_id is not None), params, ReadingList, ReadingListItem)


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
    item_credit: int  # hundredths the year's rules give for the material (a book: its published chapters)
    today: date | None = None  # the local date the status is for (default: clock.today())
    # A book: its published chapters (its progress is a books.BookProgress, their sums).
    chapters: list[books.ChapterRow] | None = None

    @property
    def is_book(self) -> bool:
        return self.chapters is not None

    @property
    def material(self) -> Material:
        return self.item.material

    @property
    def state(self) -> str:
        return reading_state(self.progress)

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
    chapters = books.chapters_by_book({item.material_id for rl in lists for item in rl.items if item.material.is_book})
    material_ids = [item.material_id for rl in lists for item in rl.items]
    material_ids += [c.id for found in chapters.values() for c in found]
    if progress is None:
        progress = progress_map(user.id, year, material_ids) if material_ids else {}
    rules = rules_for_year(year) if material_ids else None
    today = clock.today()
    for rl in lists:
        status = ListStatus(rl)
        for item in rl.items:
            if not item.material.is_published:
                continue  # a withdrawn material is not asked of anyone
            if item.material.is_book:
                of_book = chapters.get(item.material_id, [])
                status.items.append(ItemStatus(item, books.book_progress(of_book, progress),
                                               books.book_credit(of_book, year, rules), today, chapters=of_book))
                continue
            status.items.append(ItemStatus(item, progress.get(item.material_id),
                                           material_credit(year, credit_minutes(item.material), item.material.kind,
                                                           rules=rules), today))
        result.append(status)
    return result


def required_materials(items: list[ReadingListItem], chapters: dict[int, list[books.ChapterRow]]) -> dict[int, bool]:
    """Each material the items ask for (a book: each of its published chapters) → required on any
    of them (an item on two lists, or a chapter listed alone and in its book, counts once)."""
    required: dict[int, bool] = {}
    for item in items:
        ids = [c.id for c in chapters.get(item.material_id, [])] if item.material.is_book else [item.material_id]
        for material_id in ids:
            required[material_id] = required.get(material_id, False) or item.required
    return required


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
    completed: frozenset[int] = frozenset()  # ids of the materials completed in the year (listed or not)

    @property
    def all_required_done(self) -> bool:
        return self.required_done >= self.required_total


def reading_of(user: User, year: int) -> tuple[list[ListStatus], ReadingStatus]:
    """The person's lists with their items' status and the year's summary, reading the year's
    progress once (for pages that show both)."""
    progress = progress_map(user.id, year)
    lists = my_lists(user, year, progress=progress)
    return lists, reading_status(user, year, lists=lists, progress=progress)


def reading_of_this_year(user: User) -> tuple[list[ListStatus], ReadingStatus]:
    """`reading_of(user, <this year>)`, read once per request: the home page's panels (reading
    and next steps) share it."""
    return request_memo.remember("reading_of", user.id, lambda: reading_of(user, clock.today().year))


request_memo.depends_on("reading_of", ReadingProgress, ReadingList, ReadingListItem, ReadingListAssignment, Material)


def reading_status(user: User, year: int | None = None, *, lists: list[ListStatus] | None = None,
                   progress: dict[int, ReadingProgress] | None = None) -> ReadingStatus:
    """Required items done / total across every list assigned to the person in the year
    (an item on two lists counts once; required on any list makes it required; a book counts as
    one item, done when every published chapter is).

    `lists`: the person's `my_lists(user, year)` when the caller has them already; `progress`:
    their whole `progress_map(user.id, year)`."""
    year = year or clock.today().year
    required: dict[int, bool] = {}
    if lists is not None:
        entries = [entry for status in lists for entry in status.items]
        items = [entry.item for entry in entries]
        chapters = {entry.item.material_id: entry.chapters for entry in entries if entry.is_book}
    else:
        items = [item for rl in lists_for_user(user, year) for item in rl.items if item.material.is_published]
        chapters = books.chapters_by_book({item.material_id for item in items if item.material.is_book})
    for item in items:
        required[item.material_id] = required.get(item.material_id, False) or item.required
    if progress is None:
        progress = progress_map(user.id, year)
    done = {mid for mid, p in progress.items() if p.completed_at is not None}
    done |= {book_id for book_id, of_book in chapters.items() if of_book and all(c.id in done for c in of_book)}
    req = [m for m, r in required.items() if r]
    opt = [m for m, r in required.items() if not r]
    return ReadingStatus(
        year=year, required_total=len(req), required_done=sum(1 for m in req if m in done),
        optional_total=len(opt), optional_done=sum(1 for m in opt if m in done),
        credit_hundredths=sum(p.granted_hundredths for p in progress.values()),
        active_seconds=sum(p.active_seconds for p in progress.values()), completed=frozenset(done),
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


# --- the reading lists' admin pages -----------------------------------------------------------------

def readable_list(actor, list_id: int) -> ReadingList | None:
    """The list of this id if the actor may read its progress, else None (the page answers 404)."""
    return db.session.scalar(select(ReadingList).where(ReadingList.id == list_id, readable_lists(actor)))


def lists_of_year(actor, year: int) -> list[ReadingList]:
    """The year's lists the actor may read: the committee's first, then by title."""
    return list(db.session.scalars(select(ReadingList).where(ReadingList.year == year, readable_lists(actor))
                                   .order_by(ReadingList.owner_branch_id.is_not(None), ReadingList.title)))


def list_years(this_year: int) -> list[int]:
    """The lists page's year picker: every year with a list, and this year, newest first."""
    return sorted(set(db.session.scalars(select(ReadingList.year).distinct())) | {this_year}, reverse=True)


def reading_years(person: User, this_year: int) -> list[int]:
    """The person's year picker: the years with reading lists or with the person's reading, and this
    year, newest first."""
    lists = select(ReadingList.year).distinct()
    read = select(ReadingProgress.year).where(ReadingProgress.user_id == person.id).distinct()
    return sorted({y for y in db.session.scalars(lists.union(read)) if 2000 <= y <= this_year + 1} | {this_year},
                  reverse=True)


def progress_of(people_ids: list[int], year: int, material_ids: list[int]) -> list[ReadingProgress]:
    """The year's reading progress of these people on these materials (one statement)."""
    return list(db.session.scalars(select(ReadingProgress).where(
        ReadingProgress.user_id.in_(people_ids or [0]), ReadingProgress.year == year,
        ReadingProgress.material_id.in_(material_ids or [0]))))


def list_people(reading_list: ReadingList, actor) -> Select:
    """The people the list is assigned to whom the actor may see, by branch and name."""
    return people_for_list(reading_list).where(visible_users(actor)).order_by(User.branch_id, User.name, User.id)


def list_people_upto(reading_list: ReadingList, actor, limit: int) -> list[User]:
    """`list_people`, at most `limit` of them (the progress export)."""
    return list(db.session.scalars(list_people(reading_list, actor).limit(limit)))


def list_people_page(reading_list: ReadingList, actor, page: int, per_page: int):
    """A page of `list_people` (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(list_people(reading_list, actor), page=max(1, page), per_page=per_page, error_out=False)


def material_named(text: str) -> Material | None:
    """The material whose slug or title is `text` (how an admin names an item to add)."""
    text = (text or "").strip()
    return db.session.scalar(select(Material).where(or_(Material.slug == text, Material.title == text)).limit(1))
