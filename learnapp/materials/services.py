"""Writes on materials: create, edit (every edit keeps a version), publish, attachments.

Services flush and never commit; the view or CLI command commits. Every change is audited.
Only committee admins manage content (the study column is the committee's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from learnapp import audit, clock
from learnapp.citations import MAX_CITATION, canonical, split_source
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.materials.models import (
    LabelKind,
    Material,
    MaterialKind,
    MaterialLabel,
    MaterialStatus,
    MaterialVersion,
)
from learnapp.security import is_committee_admin, is_system

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9\-]{1,118}[a-z0-9]$")
LABEL_MAX = 60
MAX_MINUTES = 600
URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


@dataclass
class MaterialData:
    """The editable fields of a material, as plain values (from a form, a content file or a test)."""

    title: str
    summary: str = ""
    body: str = ""
    kind: MaterialKind | str = MaterialKind.article
    source: str = ""
    estimated_minutes: int = 10
    external_url: str | None = None
    status: MaterialStatus | str = MaterialStatus.draft
    tags: list[str] = field(default_factory=list)
    knowledge_points: list[str] = field(default_factory=list)

    def snapshot(self) -> dict:
        return {
            "title": self.title, "summary": self.summary, "body": self.body, "kind": str(self.kind),
            "source": self.source, "estimated_minutes": self.estimated_minutes, "external_url": self.external_url,
            "status": str(self.status), "tags": list(self.tags), "knowledge_points": list(self.knowledge_points),
        }


def split_labels(raw: str | list | None) -> list[str]:
    """Labels from a list or from text separated by commas (ASCII or Chinese), semicolons or new lines."""
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else re.split(r"[,，;；、\n]", str(raw))
    result: list[str] = []
    for item in items:
        name = str(item).strip()
        if name and name not in result:
            result.append(name)
    return result


def validate(data: MaterialData, *, slug: str | None = None) -> list[tuple[str, str]]:
    """Every problem with the data as (field, message); empty when it may be saved."""
    problems: list[tuple[str, str]] = []
    if slug is not None and not SLUG_RE.match(slug):
        problems.append(("slug", _("Use 3–120 lower-case letters, digits and hyphens (e.g. party-constitution-rights).")))
    if not (data.title or "").strip():
        problems.append(("title", _("A title is required.")))
    elif len(data.title) > 200:
        problems.append(("title", _("At most 200 characters.")))
    try:
        kind = MaterialKind(data.kind)
    except ValueError:
        problems.append(("kind", _("Unknown kind: %(kind)s", kind=data.kind)))
        kind = None
    try:
        MaterialStatus(data.status)
    except ValueError:
        problems.append(("status", _("Unknown status: %(status)s", status=data.status)))
    if not isinstance(data.estimated_minutes, int) or isinstance(data.estimated_minutes, bool) \
            or not 1 <= data.estimated_minutes <= MAX_MINUTES:
        problems.append(("estimated_minutes", _("Give the estimated length in whole minutes, 1 to %(max)d.", max=MAX_MINUTES)))
    if len(data.source or "") > MAX_CITATION:
        problems.append(("source", _("At most %(max)d characters.", max=MAX_CITATION)))
    if data.external_url:
        if not URL_RE.match(data.external_url) or len(data.external_url) > 500:
            problems.append(("external_url", _("Give a web address starting with http:// or https://.")))
    elif kind is MaterialKind.link:
        problems.append(("external_url", _("An external link needs its web address.")))
    for name, labels in (("tags", data.tags), ("knowledge_points", data.knowledge_points)):
        if any(len(label) > LABEL_MAX for label in labels):
            problems.append((name, _("Each entry may have at most %(max)d characters.", max=LABEL_MAX)))
    return problems


def _labels_of(material: Material) -> dict:
    return {"tags": material.tags, "knowledge_points": material.knowledge_points}


def _state(material: Material) -> dict:
    return {
        "title": material.title, "summary": material.summary, "body": material.body, "kind": str(material.kind),
        "source": material.citation or material.source, "estimated_minutes": material.estimated_minutes,
        "external_url": material.external_url, "status": str(material.status), **_labels_of(material),
    }


def _apply(material: Material, data: MaterialData) -> None:
    material.title = data.title.strip()
    material.summary = (data.summary or "").strip()
    material.body = data.body or ""
    material.kind = MaterialKind(data.kind)
    material.source, material.citation = split_source(data.source)
    material.estimated_minutes = data.estimated_minutes
    material.external_url = (data.external_url or "").strip() or None
    status = MaterialStatus(data.status)
    if status is MaterialStatus.published and material.published_at is None:
        material.published_at = clock.now()
    material.status = status
    wanted = [(LabelKind.tag, n) for n in split_labels(data.tags)] + [(LabelKind.point, n) for n in split_labels(data.knowledge_points)]
    existing = {(label.kind, label.name): label for label in material.labels}
    for key, label in existing.items():
        if key not in wanted:
            material.labels.remove(label)
    for position, (kind, name) in enumerate(wanted):
        label = existing.get((kind, name))
        if label is None:
            material.labels.append(MaterialLabel(kind=kind, name=name, position=position))
        else:
            label.position = position


def _snapshot(material: Material, actor, origin: str, note: str | None) -> MaterialVersion:
    version = MaterialVersion(
        material_id=material.id, version=material.version, title=material.title, summary=material.summary,
        body=material.body, kind=str(material.kind), source=material.source, citation=material.citation,
        external_url=material.external_url,
        estimated_minutes=material.estimated_minutes, status=str(material.status), labels=_labels_of(material),
        origin=origin, note=note, edited_by_id=getattr(actor, "id", None), created_at=clock.now(),
    )
    db.session.add(version)
    return version


def require_content_admin(actor) -> None:
    if not is_system(actor) and not is_committee_admin(actor):
        raise DomainError(_("Only committee admins manage study materials."))


def create_material(actor, slug: str, data: MaterialData, *, origin: str = "site", note: str | None = None) -> Material:
    """Create a material (version 1). actor None: the content sync."""
    require_content_admin(actor)
    slug = (slug or "").strip()
    problems = validate(data, slug=slug)
    if not problems and db.session.scalar(db.select(Material.id).where(Material.slug == slug)) is not None:
        problems.append(("slug", _("This slug is already used by another material.")))
    if problems:
        raise DomainError(problems)
    material = Material(slug=slug, version=1, created_by_id=getattr(actor, "id", None), updated_by_id=getattr(actor, "id", None),
                        updated_at=clock.now(), title="", labels=[])
    _apply(material, data)
    db.session.add(material)
    db.session.flush()
    _snapshot(material, actor, origin, note)
    audit.record(actor, "material.create", material, summary=material.title, after=_state(material))
    db.session.flush()
    return material


def update_material(actor, material: Material, data: MaterialData, *, origin: str = "site", note: str | None = None) -> bool:
    """Save a new version when anything changed; returns False (and writes nothing) otherwise."""
    require_content_admin(actor)
    problems = validate(data)
    kind = str(data.kind)
    if material.book_id is not None and kind != MaterialKind.chapter:
        problems.append(("kind", _("A chapter of a book stays of the kind “book chapter”.")))
    if material.kind is MaterialKind.book and kind != MaterialKind.book and \
            db.session.scalar(db.select(Material.id).where(Material.book_id == material.id).limit(1)) is not None:
        problems.append(("kind", _("A book with chapters stays a book.")))
    if problems:
        raise DomainError(problems)
    before = _state(material)
    normalised = {**data.snapshot(), "title": data.title.strip(), "summary": (data.summary or "").strip(),
                  "source": canonical(data.source), "external_url": (data.external_url or "").strip() or None,
                  "tags": split_labels(data.tags), "knowledge_points": split_labels(data.knowledge_points)}
    if normalised == before:
        return False
    _apply(material, data)
    material.version += 1
    material.updated_at = clock.now()
    material.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    _snapshot(material, actor, origin, note)
    changed = {k: v for k, v in _state(material).items() if before.get(k) != v}
    audit.record(actor, "material.update", material, summary=f"{material.title} v{material.version}",
                 before={k: before[k] for k in changed}, after=changed)
    db.session.flush()
    return True


def set_status(actor, material: Material, status: MaterialStatus, note: str | None = None) -> bool:
    """Publish or withdraw to draft, as a new version."""
    data = MaterialData(**{**_state(material), "status": status})
    return update_material(actor, material, data, note=note)


def restore_version(actor, material: Material, version: MaterialVersion) -> bool:
    """Make an earlier version current again (as a new version; nothing is lost)."""
    if version.material_id != material.id:
        raise DomainError(_("This version belongs to another material."))
    labels = version.labels or {}
    data = MaterialData(title=version.title, summary=version.summary, body=version.body, kind=version.kind,
                        source=version.citation or version.source, estimated_minutes=version.estimated_minutes,
                        external_url=version.external_url, status=material.status,
                        tags=list(labels.get("tags", [])), knowledge_points=list(labels.get("knowledge_points", [])))
    return update_material(actor, material, data, note=_("Restored version %(n)d", n=version.version))


def state_of(material: Material) -> MaterialData:
    """The material's current fields as MaterialData (to fill a form)."""
    return MaterialData(**_state(material))
