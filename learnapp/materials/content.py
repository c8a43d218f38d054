"""`content/` → database: materials (Markdown + YAML front matter), books (a folder of chapter
files, `content_books`) and reading lists (YAML).

All or nothing: every file is parsed and checked first; if any has a problem, every problem is
reported by path and field and nothing is written. Keyed by slug, so a second sync of the same
files changes nothing; a changed file updates its material in place as a new version. A file
unchanged since the last sync never overwrites edits made in the site.

Reading lists may name branches; a branch that does not exist yet (an empty database before the
demo is loaded) is reported as a warning and picked up by the next sync (the demo loader re-runs it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from learnapp.accounts.models import Stage
from learnapp.accounts.services import parse_stage
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.materials import content_books, media_sync, services
from learnapp.materials import lists as list_services
from learnapp.materials.content_files import (
    ContentError,
    MaterialFile,
    Problem,
    SyncReport,
    default_root,
    parse_material,
    relative_path,
)
from learnapp.materials.models import Material, MaterialKind, ReadingList
from learnapp.org.models import Branch
from learnapp.security import SYSTEM

LIST_FIELDS = {"slug", "year", "title", "description", "owner", "active", "assign", "items"}
COMMITTEE_NAMES = {"all", "committee", "全体", "党委"}


@dataclass(frozen=True)
class ListItem:
    slug: str  # a material's slug (an article, a book's chapter …) or a book's
    required: bool
    due: date | None
    book: bool = False  # named as `book: <slug>`: the whole book, every published chapter

    @property
    def field(self) -> str:
        return "book" if self.book else "material"


@dataclass
class ListFile:
    path: str
    slug: str
    data: list_services.ListData
    owner: str | None
    assign: list[tuple[str | None, Stage | None]]  # (branch name or None for the committee, stage)
    items: list[ListItem]
    digest: str


def _parse_date(value, rel: str, name: str, problems: list[Problem]) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem(rel, name, f"not a date (use YYYY-MM-DD): {value}"))
        return None


def parse_list(path: Path, root: Path, problems: list[Problem]) -> ListFile | None:
    rel = relative_path(path, root)
    try:
        raw = path.read_bytes()
        meta = yaml.safe_load(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(rel, None, f"cannot read the file as UTF-8 ({exc.__class__.__name__})"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problems.append(Problem(rel, None, f"not valid YAML{where}: {getattr(exc, 'problem', exc)}"))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(rel, None, "must be YAML fields (name: value)"))
        return None
    before = len(problems)
    for unknown in sorted(set(meta) - LIST_FIELDS):
        problems.append(Problem(rel, str(unknown), f"unknown field (known: {', '.join(sorted(LIST_FIELDS))})"))
    slug = str(meta.get("slug") or path.stem).strip()
    year = meta.get("year")
    data = list_services.ListData(title=str(meta.get("title") or "").strip(), year=year if isinstance(year, int) else 0,
                                  description=str(meta.get("description") or "").strip(),
                                  active=bool(meta.get("active", True)))
    for name, message in list_services._validate(data, slug):
        problems.append(Problem(rel, name, message))
    owner = meta.get("owner")
    owner = None if owner is None or str(owner).strip() in COMMITTEE_NAMES else str(owner).strip()
    assign: list[tuple[str | None, Stage | None]] = []
    for n, entry in enumerate(meta.get("assign") or [], start=1):
        if not isinstance(entry, dict) or set(entry) - {"branch", "stages", "stage"}:
            problems.append(Problem(rel, f"assign[{n}]", "each entry has a branch (name or 'all') and/or stages"))
            continue
        branch = entry.get("branch")
        branch = None if branch is None or str(branch).strip() in COMMITTEE_NAMES else str(branch).strip()
        raw_stages = entry.get("stages", entry.get("stage"))
        stages = raw_stages if isinstance(raw_stages, list) else ([raw_stages] if raw_stages else [None])
        for raw_stage in stages:
            stage = None
            if raw_stage is not None:
                try:
                    stage = parse_stage(str(raw_stage))
                except DomainError:
                    problems.append(Problem(rel, f"assign[{n}].stages", f"unknown stage: {raw_stage}"))
                    continue
            assign.append((branch, stage))
    if not isinstance(meta.get("assign") or [], list):
        problems.append(Problem(rel, "assign", "must be a list"))
    items: list[ListItem] = []
    raw_items = meta.get("items") or []
    if not isinstance(raw_items, list):
        problems.append(Problem(rel, "items", "must be a list"))
        raw_items = []
    for n, entry in enumerate(raw_items, start=1):
        if isinstance(entry, str):
            entry = {"material": entry}
        if not isinstance(entry, dict) or set(entry) - {"material", "book", "required", "due"} \
                or bool(entry.get("material")) == bool(entry.get("book")):
            problems.append(Problem(rel, f"items[{n}]", "each item has material (a slug) or book (a book's slug), "
                                                        "and optionally required and due"))
            continue
        due = _parse_date(entry.get("due"), rel, f"items[{n}].due", problems)
        if due is not None and isinstance(year, int) and due.year != year:
            problems.append(Problem(rel, f"items[{n}].due", f"the due date must fall in {year}"))
        items.append(ListItem(str(entry.get("book") or entry["material"]).strip(), bool(entry.get("required", True)), due,
                              book=bool(entry.get("book"))))
    if len(problems) > before:
        return None
    return ListFile(rel, slug, data, owner, assign, items, hashlib.sha256(raw).hexdigest())


def _branch_by_name(name: str) -> Branch | None:
    return db.session.scalar(select(Branch).where(Branch.name == name, Branch.active).order_by(Branch.id).limit(1))


def sync(root: Path | str | None = None, *, actor=SYSTEM) -> SyncReport:
    """Load every material and reading list under root (default: the project's content/)."""
    root = Path(root) if root else default_root()
    problems: list[Problem] = []
    if not root.is_dir():
        raise ContentError([Problem(str(root), None, "no such folder")])
    material_files = [parse_material(p, root, problems) for p in sorted((root / "materials").glob("*.md"))
                      if p.name.lower() != "readme.md"]
    books = content_books.parse_books(root, problems)
    list_files = [parse_list(p, root, problems) for p in sorted([*(root / "reading-lists").glob("*.yaml"),
                                                                 *(root / "reading-lists").glob("*.yml")])]
    seen: dict[str, str] = {}
    for mf in [*filter(None, material_files), *content_books.files_of(books)]:
        if mf.slug in seen:
            problems.append(Problem(mf.path, "slug", f"'{mf.slug}' is also used by {seen[mf.slug]}"))
        seen[mf.slug] = mf.path
    content_books.check_against_database(books, problems)
    kinds = {mf.slug: MaterialKind(mf.data.kind) for mf in filter(None, material_files)}
    kinds |= {mf.slug: MaterialKind(mf.data.kind) for mf in content_books.files_of(books)}
    for slug, kind in db.session.execute(select(Material.slug, Material.kind)):
        kinds.setdefault(slug, MaterialKind(kind))
    list_seen: dict[str, str] = {}
    for lf in filter(None, list_files):
        if lf.slug in list_seen:
            problems.append(Problem(lf.path, "slug", f"'{lf.slug}' is also used by {list_seen[lf.slug]}"))
        list_seen[lf.slug] = lf.path
        for n, item in enumerate(lf.items, start=1):
            _check_item(lf.path, n, item, kinds.get(item.slug), problems)
    if problems:
        raise ContentError(problems)

    report = SyncReport()
    for mf in filter(None, material_files):
        material = _sync_material(mf, actor, report)
        if mf.files:
            media_sync.sync_files(material, mf.files, root, actor, report.warnings)
    content_books.sync_books(books, actor, report, lambda mf, rep: _sync_material(mf, actor, rep))
    for lf in filter(None, list_files):
        _sync_list(lf, actor, report)
    db.session.flush()
    return report


def _check_item(path: str, n: int, item: ListItem, kind: MaterialKind | None, problems: list[Problem]) -> None:
    if kind is None:
        problems.append(Problem(path, f"items[{n}].{item.field}", f"no {item.field} with slug '{item.slug}'"))
    elif item.book and kind is not MaterialKind.book:
        problems.append(Problem(path, f"items[{n}].book", f"'{item.slug}' is not a book (write material: {item.slug})"))
    elif not item.book and kind is MaterialKind.book:
        problems.append(Problem(path, f"items[{n}].material", f"'{item.slug}' is a book (write book: {item.slug})"))


def _sync_material(mf: MaterialFile, actor, report: SyncReport) -> Material:
    material = db.session.scalar(select(Material).where(Material.slug == mf.slug))
    note = str(mf.path)  # the origin (sync) says it came from a file: the note names which
    if material is None:
        material = services.create_material(actor, mf.slug, mf.data, origin="sync", note=note)
        report.created.append(mf.slug)
    elif material.content_hash == mf.digest:
        report.unchanged.append(mf.slug)
    else:
        if material.content_hash is not None and material.updated_by_id is not None:
            report.warnings.append(f"{mf.path}: replaced edits made in the site (they stay in the history)")
        if services.update_material(actor, material, mf.data, origin="sync", note=note):
            report.updated.append(mf.slug)
        else:
            report.unchanged.append(mf.slug)
    material.content_path = mf.path
    material.content_hash = mf.digest
    return material


def _sync_list(lf: ListFile, actor, report: SyncReport) -> None:
    owner = None
    if lf.owner:
        owner = _branch_by_name(lf.owner)
        if owner is None:
            report.warnings.append(f"{lf.path}: owner: no branch named '{lf.owner}' yet; the list was skipped")
            return
    rl = db.session.scalar(select(ReadingList).where(ReadingList.slug == lf.slug))
    changed = False
    if rl is None:
        rl = list_services.create_list(actor, lf.slug, lf.data, owner)
        report.lists_created.append(lf.slug)
    else:
        changed = list_services.update_list(actor, rl, lf.data)
        if rl.owner_branch_id != getattr(owner, "id", None):
            rl.owner_branch = owner
            changed = True
    rl.content_path = lf.path
    rl.content_hash = lf.digest
    # Items: exactly those of the file, in its order.
    wanted = {}
    for position, (slug, required, due) in enumerate((i.slug, i.required, i.due) for i in lf.items):
        material = db.session.scalar(select(Material).where(Material.slug == slug))
        wanted[material.id] = (material, required, due, position)
    for item in list(rl.items):
        if item.material_id not in wanted:
            list_services.remove_item(actor, rl, item)
            changed = True
    for material, required, due, position in wanted.values():
        item = next((i for i in rl.items if i.material_id == material.id), None)
        if item is None or (item.required, item.due_on, item.position) != (required, due, position):
            list_services.set_item(actor, rl, material, required=required, due_on=due, position=position)
            changed = True
    # Assignments: those of the file whose branch exists; missing branches wait for a later sync.
    wanted_assign = set()
    for branch_name, stage in lf.assign:
        branch = None
        if branch_name is not None:
            branch = _branch_by_name(branch_name)
            if branch is None:
                report.warnings.append(f"{lf.path}: assign: no branch named '{branch_name}' yet; assigned on a later sync")
                continue
        wanted_assign.add((getattr(branch, "id", None), stage))
        if not any((a.branch_id, a.stage) == (getattr(branch, "id", None), stage) for a in rl.assignments):
            list_services.add_assignment(actor, rl, branch, stage)
            changed = True
    for assignment in list(rl.assignments):
        if (assignment.branch_id, assignment.stage) not in wanted_assign:
            list_services.remove_assignment(actor, rl, assignment)
            changed = True
    if lf.slug not in report.lists_created:
        (report.lists_updated if changed else report.lists_unchanged).append(lf.slug)
