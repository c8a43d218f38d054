"""Reads: which materials a person may see, search, the reading page's reads, recent reading.
Reading lists and a person's reading status are in list_queries.py.

Public API for other domains:
- `materials_for_knowledge_points(points, sources)` — the quiz wrong-answer notebook links a wrong
  answer to the materials that teach its knowledge points (知识点) and source document;
  `materials_by_point(points)` the same for many points in one statement (the notebook's and the
  home page's suggestions); a chapter among them reads "book › chapter" (`Material.display_title`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased, defer, joinedload

from learnapp import clock
from learnapp.accounts.models import User
from learnapp.db import db, loaded_rows
from learnapp.materials.models import (
    Attachment,
    LabelKind,
    Material,
    MaterialKind,
    MaterialLabel,
    MaterialStatus,
    MaterialVersion,
    ReadingProgress,
)
from learnapp.security import (
    is_auditor,
    is_committee_admin,
)

# --- visibility --------------------------------------------------------------------------------


def sees_drafts(actor) -> bool:
    """Committee admins edit drafts; auditors read everything. Learners never see drafts."""
    return is_committee_admin(actor) or is_auditor(actor)


def can_see_material(actor, material: Material | None) -> bool:
    """Published, and a chapter only in a published book (drafts: committee admins, auditors).
    The person's roles are read only when the material is not plainly visible (a heartbeat's
    check of a published material asks nothing more)."""
    if material is None or actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if not material.is_published:
        return sees_drafts(actor)
    book_id = getattr(material, "book_id", None)  # a beat's row has no book: its session's start checked
    if book_id is not None:
        book = db.session.get(Material, book_id)
        return (book is not None and book.is_published) or sees_drafts(actor)
    return True


def visible_materials(actor) -> ColumnElement[bool]:
    """Filter on Material: what the actor may open (a chapter only in a published book)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return false()
    if sees_drafts(actor):
        return true()
    return _published_for_learners()


def _published_for_learners():
    """Published, and (a chapter) in a published book: what a learner sees."""
    return and_(Material.status == MaterialStatus.published,
                or_(Material.book_id.is_(None), Material.book_id.in_(_published_books())))


def _teaching():
    """What may be suggested for a knowledge point: published texts (a chapter only of a published
    book, shown as "book › chapter"); a book itself teaches through its chapters."""
    return and_(_published_for_learners(), Material.kind != MaterialKind.book)


def _published_books() -> Select:
    book = aliased(Material)
    return select(book.id).where(book.kind == MaterialKind.book, book.status == MaterialStatus.published)


# --- search ------------------------------------------------------------------------------------

MAX_TERMS = 8


def query_terms(q: str | None) -> list[str]:
    """Search terms: split on spaces (ASCII or ideographic); Chinese needs no word splitting
    because each term is matched as a substring."""
    terms = [t for t in re.split(r"[\s\u3000,，]+", (q or "").strip()) if t]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def search_materials(actor, q: str | None = None, *, source: str | None = None, tag: str | None = None,
                     kind: str | None = None, status: str | None = None) -> Select:
    """Materials matching every term in title, summary or body (substring, case-insensitive), ranked
    by where they match (title 5, summary 2, body 1 per term), then newest first."""
    stmt = select(Material).where(visible_materials(actor))
    score = literal(0)
    for term in query_terms(q):
        in_title = Material.title.icontains(term, autoescape=True)
        in_summary = Material.summary.icontains(term, autoescape=True)
        in_body = Material.body.icontains(term, autoescape=True)
        in_labels = Material.id.in_(select(MaterialLabel.material_id).where(MaterialLabel.name.icontains(term, autoescape=True)))
        stmt = stmt.where(or_(in_title, in_summary, in_body, in_labels))
        score = score + case((in_title, 5), else_=0) + case((in_summary, 2), else_=0) + case((in_labels, 2), else_=0) \
            + case((in_body, 1), else_=0)
    if source:
        stmt = stmt.where(Material.source == source)
    if tag:
        stmt = stmt.where(Material.id.in_(select(MaterialLabel.material_id).where(MaterialLabel.name == tag)))
    if kind:
        try:
            stmt = stmt.where(Material.kind == MaterialKind(kind))
        except ValueError:
            stmt = stmt.where(false())
    if status:
        try:
            stmt = stmt.where(Material.status == MaterialStatus(status))
        except ValueError:
            stmt = stmt.where(false())
    return stmt.order_by(score.desc(), Material.updated_at.desc(), Material.id.desc())


def facet_sources(actor) -> list[str]:
    return list(db.session.scalars(select(Material.source).where(visible_materials(actor), Material.source != "")
                                   .distinct().order_by(Material.source)))


def facet_tags(actor) -> list[str]:
    return list(db.session.scalars(
        select(MaterialLabel.name).join(Material).where(visible_materials(actor)).distinct().order_by(MaterialLabel.name)
    ))


# The reading page's reads select table columns and attach the rows as loaded instances
# (db.loaded_rows): the ORM's loading would cost as much as the page's queries themselves.


@cache
def _by_slug_statement() -> Select:
    materials = Material.__table__
    return select(*materials.c).where(materials.c.slug == bindparam("slug"))


def get_by_slug(slug: str) -> Material | None:
    found = loaded_rows(_by_slug_statement(), {"slug": slug}, Material)
    return found[0] if found else None


# The reading page shows a material's labels and attachments: asked directly with statements
# built once, they cost half of what loading the relationships lazily costs.


@cache
def _labels_statement() -> Select:
    labels = MaterialLabel.__table__.c
    return (select(labels.kind, labels.name).where(labels.material_id == bindparam("material_id"))
            .order_by(labels.kind, labels.position))


def labels_of(material_id: int) -> tuple[list[str], list[str]]:
    """The material's knowledge points and tags, in the order of `Material.knowledge_points` and `.tags`."""
    points: list[str] = []
    tags: list[str] = []
    for kind, name in db.session.execute(_labels_statement(), {"material_id": material_id}):
        (points if kind == LabelKind.point else tags).append(name)
    return points, tags


@cache
def _attachments_statement() -> Select:
    attachments = Attachment.__table__
    return (select(*attachments.c)
            .where(attachments.c.material_id == bindparam("material_id"), attachments.c.removed_at.is_(None))
            .order_by(attachments.c.id))


def attachments_of(material_id: int) -> list[Attachment]:
    """The material's current attachments (as `Material.attachments`)."""
    return loaded_rows(_attachments_statement(), {"material_id": material_id}, Attachment)


# --- knowledge points (for the quiz wrong-answer notebook) ----------------------------------------


def _preference(prefer: Iterable[int], done: Iterable[int]) -> tuple:
    """ORDER BY terms: not yet completed first, then required (ids in `prefer`)."""
    done_ids, prefer_ids = list(done) or [0], list(prefer) or [0]
    return case((Material.id.in_(done_ids), 1), else_=0), case((Material.id.in_(prefer_ids), 0), else_=1)


def materials_for_knowledge_points(points: list[str] | tuple[str, ...], sources: list[str] | tuple[str, ...] = (),
                                   *, limit: int = 10, prefer: Iterable[int] = (), done: Iterable[int] = ()) -> list[Material]:
    """Published materials teaching any of these knowledge points, ranked by how many points they
    share, then unread before completed (ids in `done`) and required before optional (ids in
    `prefer`), then by a matching source document (党章, 准则, 纪律处分条例 …). With no points,
    materials of the given sources."""
    points = [p for p in dict.fromkeys(points or []) if p]
    sources = [s for s in dict.fromkeys(sources or []) if s]
    if not points and not sources:
        return []
    shared = (select(func.count(MaterialLabel.id)).where(MaterialLabel.material_id == Material.id,
                                                        MaterialLabel.kind == LabelKind.point,
                                                        MaterialLabel.name.in_(points or [""]))
              .correlate(Material).scalar_subquery())
    source_match = case((Material.source.in_(sources or [""]), 1), else_=0)
    stmt = select(Material).where(_teaching())
    stmt = stmt.where(shared > 0) if points else stmt.where(Material.source.in_(sources))
    stmt = stmt.order_by(shared.desc(), *_preference(prefer, done), source_match.desc(), Material.title).limit(limit)
    return with_book_titles(list(db.session.scalars(stmt)))


def with_book_titles(materials: list[Material]) -> list[Material]:
    """Put each chapter's book title beside it, for `Material.display_title` ("book › chapter"):
    one statement when some are chapters, none otherwise."""
    book_ids = sorted({m.book_id for m in materials if m.book_id is not None})
    if book_ids:
        titles = dict(db.session.execute(select(Material.id, Material.title).where(Material.id.in_(book_ids))).all())
        for m in materials:
            if m.book_id is not None:
                m._book_title = titles.get(m.book_id)
    return materials


def materials_by_point(points: Iterable[str], *, per_point: int = 2, prefer: Iterable[int] = (),
                       done: Iterable[int] = ()) -> dict[str, list[Material]]:
    """For each knowledge point, the published materials that teach it (at most `per_point`):
    unread before completed (ids in `done`), required before optional (ids in `prefer`), then by
    title. One statement whatever the number of points; points no material teaches are left out."""
    points = [p for p in dict.fromkeys(points) if p]
    if not points:
        return {}
    stmt = (select(MaterialLabel.name, Material).join(Material, Material.id == MaterialLabel.material_id)
            .where(MaterialLabel.kind == LabelKind.point, MaterialLabel.name.in_(points),
                   _teaching())
            .order_by(MaterialLabel.name, *_preference(prefer, done), Material.title, Material.id)
            .options(defer(Material.body)))
    found: dict[str, list[Material]] = {}
    for point, material in db.session.execute(stmt):
        chosen = found.setdefault(point, [])
        if len(chosen) < per_point:
            chosen.append(material)
    with_book_titles([m for chosen in found.values() for m in chosen])
    return {p: found[p] for p in points if p in found}


def recent_reading(user: User, limit: int = 5) -> list[ReadingProgress]:
    return list(db.session.scalars(
        select(ReadingProgress).where(ReadingProgress.user_id == user.id, ReadingProgress.last_read_at.is_not(None))
        .order_by(ReadingProgress.last_read_at.desc()).limit(limit)
        .options(joinedload(ReadingProgress.material).defer(Material.body))
    ))


def year_of_today() -> int:
    return clock.today().year


def parse_year(raw, default: int | None = None) -> int:
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return default or year_of_today()
    return year if 2000 <= year <= 2100 else (default or year_of_today())


# --- pages of materials, and their versions ---------------------------------------------------

def page_of(stmt: Select, page: int, per_page: int):
    """One page of a `search_materials` statement (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(stmt, page=max(1, page), per_page=per_page, error_out=False)


def versions_of(material_id: int) -> list[MaterialVersion]:
    """The material's saved versions, newest first."""
    return list(db.session.scalars(select(MaterialVersion).where(MaterialVersion.material_id == material_id)
                                   .order_by(MaterialVersion.version.desc())))


def version_of(material_id: int, version: int) -> MaterialVersion | None:
    return db.session.scalar(select(MaterialVersion).where(MaterialVersion.material_id == material_id,
                                                           MaterialVersion.version == version))
