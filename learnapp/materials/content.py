"""`content/` → database: materials (Markdown + YAML front matter) and reading lists (YAML).

All or nothing: every file is parsed and checked first; if any has a problem, every problem is
reported by path and field and nothing is written. Keyed by slug, so a second sync of the same
files changes nothing; a changed file updates its material in place as a new version. A file
unchanged since the last sync never overwrites edits made in the site.

Reading lists may name branches; a branch that does not exist yet (an empty database before the
demo is loaded) is reported as a warning and picked up by the next sync (the demo loader re-runs it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import select

from learnapp.accounts.models import Stage
from learnapp.accounts.services import parse_stage
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.materials import lists as list_services
from learnapp.materials import media_sync, services
from learnapp.materials.models import Material, MaterialKind, MaterialStatus, ReadingList
from learnapp.org.models import Branch
from learnapp.security import SYSTEM

MATERIAL_FIELDS = {"slug", "title", "summary", "kind", "source", "estimated_minutes", "status", "tags",
                   "knowledge_points", "external_url", *media_sync.MEDIA_FIELDS}
LIST_FIELDS = {"slug", "year", "title", "description", "owner", "active", "assign", "items"}
COMMITTEE_NAMES = {"all", "committee", "全体", "党委"}


@dataclass
class Problem:
    path: str
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}" if self.field else f"{self.path}: {self.message}"


class ContentError(DomainError):
    """The sync was refused; `problems` lists every bad file and field."""

    def __init__(self, problems: list[Problem]):
        super().__init__([(p.field, str(p)) for p in problems])
        self.problems = problems


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    lists_created: list[str] = field(default_factory=list)
    lists_updated: list[str] = field(default_factory=list)
    lists_unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class MaterialFile:
    path: str
    slug: str
    data: services.MaterialData
    digest: str
    files: dict[str, str] = field(default_factory=dict)  # media and subtitles (media_sync)


@dataclass
class ListFile:
    path: str
    slug: str
    data: list_services.ListData
    owner: str | None
    assign: list[tuple[str | None, Stage | None]]  # (branch name or None for the committee, stage)
    items: list[tuple[str, bool, date | None]]  # (material slug, required, due)
    digest: str


def default_root() -> Path:
    return Path(current_app.root_path).parent / "content"


def relative_path(path: Path, root: Path) -> str:
    """How problems name a file: from the content folder's own name (content/materials/x.md)."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def split_front_matter(text: str) -> tuple[str, str] | None:
    """(front matter, body) of a Markdown file that starts with a '---' line, or None."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1:])
    return None


def _as_list(value, path: str, name: str, problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return services.split_labels(value)
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return services.split_labels([str(v) for v in value])
    problems.append(Problem(path, name, "expected a list of words, e.g. [党员的权利, 入党程序]"))
    return []


def parse_material(path: Path, root: Path, problems: list[Problem]) -> MaterialFile | None:
    rel = relative_path(path, root)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(rel, None, f"cannot read the file as UTF-8 ({exc.__class__.__name__})"))
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.append(Problem(rel, "front matter", "the file must start with a '---' line, the YAML fields, and a closing '---' line"))
        return None
    head, body = parts
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problems.append(Problem(rel, "front matter", f"not valid YAML{where}: {getattr(exc, 'problem', exc)}"))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(rel, "front matter", "must be YAML fields (name: value)"))
        return None
    before = len(problems)
    for unknown in sorted(set(meta) - MATERIAL_FIELDS):
        problems.append(Problem(rel, str(unknown), f"unknown field (known: {', '.join(sorted(MATERIAL_FIELDS))})"))
    slug = str(meta.get("slug") or path.stem).strip()
    minutes = meta.get("estimated_minutes", 10)
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        problems.append(Problem(rel, "estimated_minutes", "must be a whole number of minutes"))
        minutes = 10
    data = services.MaterialData(
        title=str(meta.get("title") or "").strip(), summary=str(meta.get("summary") or "").strip(), body=body.strip() + "\n",
        kind=str(meta.get("kind") or MaterialKind.article), source=str(meta.get("source") or "").strip(),
        estimated_minutes=minutes, external_url=(str(meta["external_url"]).strip() if meta.get("external_url") else None),
        status=str(meta.get("status") or MaterialStatus.published),
        tags=_as_list(meta.get("tags"), rel, "tags", problems),
        knowledge_points=_as_list(meta.get("knowledge_points"), rel, "knowledge_points", problems),
    )
    for name, message in services.validate(data, slug=slug):
        problems.append(Problem(rel, name, message))
    files = media_sync.named_files(meta, root, rel, problems, Problem)
    if len(problems) > before:
        return None
    return MaterialFile(rel, slug, data, hashlib.sha256(raw).hexdigest(), files)


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
    items: list[tuple[str, bool, date | None]] = []
    raw_items = meta.get("items") or []
    if not isinstance(raw_items, list):
        problems.append(Problem(rel, "items", "must be a list"))
        raw_items = []
    for n, entry in enumerate(raw_items, start=1):
        if isinstance(entry, str):
            entry = {"material": entry}
        if not isinstance(entry, dict) or not entry.get("material") or set(entry) - {"material", "required", "due"}:
            problems.append(Problem(rel, f"items[{n}]", "each item has material (a slug), and optionally required and due"))
            continue
        due = _parse_date(entry.get("due"), rel, f"items[{n}].due", problems)
        if due is not None and isinstance(year, int) and due.year != year:
            problems.append(Problem(rel, f"items[{n}].due", f"the due date must fall in {year}"))
        items.append((str(entry["material"]).strip(), bool(entry.get("required", True)), due))
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
    list_files = [parse_list(p, root, problems) for p in sorted([*(root / "reading-lists").glob("*.yaml"),
                                                                 *(root / "reading-lists").glob("*.yml")])]
    seen: dict[str, str] = {}
    for mf in filter(None, material_files):
        if mf.slug in seen:
            problems.append(Problem(mf.path, "slug", f"'{mf.slug}' is also used by {seen[mf.slug]}"))
        seen[mf.slug] = mf.path
    known_slugs = set(seen) | set(db.session.scalars(select(Material.slug)))
    list_seen: dict[str, str] = {}
    for lf in filter(None, list_files):
        if lf.slug in list_seen:
            problems.append(Problem(lf.path, "slug", f"'{lf.slug}' is also used by {list_seen[lf.slug]}"))
        list_seen[lf.slug] = lf.path
        for n, (slug, _req, _due) in enumerate(lf.items, start=1):
            if slug not in known_slugs:
                problems.append(Problem(lf.path, f"items[{n}].material", f"no material with slug '{slug}'"))
    if problems:
        raise ContentError(problems)

    report = SyncReport()
    for mf in filter(None, material_files):
        _sync_material(mf, actor, report)
        if mf.files:
            media_sync.sync_files(db.session.scalar(select(Material).where(Material.slug == mf.slug)), mf.files, root,
                                  actor, report.warnings)
    for lf in filter(None, list_files):
        _sync_list(lf, actor, report)
    db.session.flush()
    return report


def _sync_material(mf: MaterialFile, actor, report: SyncReport) -> None:
    material = db.session.scalar(select(Material).where(Material.slug == mf.slug))
    note = f"content sync: {mf.path}"
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
    for position, (slug, required, due) in enumerate(lf.items):
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
