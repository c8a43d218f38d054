"""Content files: a Markdown file's front matter, a material file's fields checked, and the
problems of a sync or a check named by path and field. Used by the sync (`content`,
`content_books`) and by `content_check`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask import current_app

from learnapp.errors import DomainError
from learnapp.materials import media_sync, services
from learnapp.materials.models import MaterialKind, MaterialStatus

MATERIAL_FIELDS = {"slug", "title", "summary", "kind", "source", "estimated_minutes", "status", "tags",
                   "knowledge_points", "external_url", *media_sync.MEDIA_FIELDS}


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
    archived: list[str] = field(default_factory=list)  # chapters whose file was removed
    warnings: list[str] = field(default_factory=list)


@dataclass
class MaterialFile:
    path: str
    slug: str
    data: services.MaterialData
    digest: str
    files: dict[str, str] = field(default_factory=dict)  # media and subtitles (media_sync)


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


def read_front_matter(path: Path, rel: str, problems: list[Problem]) -> tuple[bytes, dict, str] | None:
    """(the file's bytes, its YAML fields, its Markdown body), or None with the problem added."""
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
    return raw, meta, body


def parse_material(path: Path, root: Path, problems: list[Problem], *, default_slug: str | None = None,
                   default_kind: MaterialKind = MaterialKind.article,
                   fields: set[str] = MATERIAL_FIELDS) -> MaterialFile | None:
    """A material file (or a book's book.md and chapter files, with their own defaults and fields)."""
    rel = relative_path(path, root)
    found = read_front_matter(path, rel, problems)
    if found is None:
        return None
    raw, meta, body = found
    before = len(problems)
    for unknown in sorted(set(meta) - fields):
        problems.append(Problem(rel, str(unknown), f"unknown field (known: {', '.join(sorted(fields))})"))
    slug = str(meta.get("slug") or default_slug or path.stem).strip()
    minutes = meta.get("estimated_minutes", 10)
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        problems.append(Problem(rel, "estimated_minutes", "must be a whole number of minutes"))
        minutes = 10
    data = services.MaterialData(
        title=str(meta.get("title") or "").strip(), summary=str(meta.get("summary") or "").strip(), body=body.strip() + "\n",
        kind=str(meta.get("kind") or default_kind), source=str(meta.get("source") or "").strip(),
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
