"""Writes on books (书目): create a book, add a chapter, place and reorder chapters, archive a
chapter. A book and its chapters are materials: their text, status and versions go through
`services` (every edit a version); a chapter's book and place are audited here. Only committee
admins (or the content sync, as SYSTEM) change them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from learnapp import audit
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.materials import services
from learnapp.materials.models import Material, MaterialKind, MaterialStatus

MAX_POSITION = 99


def _place(material: Material) -> dict:
    book = db.session.get(Material, material.book_id) if material.book_id else None
    return {"book": book.slug if book else None, "position": material.position}


def create_book(actor, slug: str, data: services.MaterialData, *, origin: str = "site",
                note: str | None = None) -> Material:
    """A new book (its text is the foreword); chapters are added to it afterwards."""
    data.kind = MaterialKind.book
    return services.create_material(actor, slug, data, origin=origin, note=note)


def next_position(book: Material) -> int:
    last = db.session.scalar(select(func.max(Material.position)).where(Material.book_id == book.id))
    return (last or 0) + 1


def place_chapter(actor, chapter: Material, book: Material, position: int | None) -> bool:
    """Put a chapter in a book at a place (1–99; None: kept in the book without a place, as an
    archived chapter is). Two chapters of a book never share a place. False when nothing changed."""
    services.require_content_admin(actor)
    problems = []
    if book.kind is not MaterialKind.book:
        problems.append(("book_id", _("Chapters can only be added to a book.")))
    if chapter.kind is not MaterialKind.chapter:
        problems.append(("kind", _("Only a material of the kind “book chapter” can be a chapter of a book.")))
    if position is not None:
        if not 1 <= position <= MAX_POSITION:
            problems.append(("position", _("Give the chapter's place in the book, 1 to %(max)d.", max=MAX_POSITION)))
        else:
            taken = db.session.scalar(select(Material.slug).where(Material.book_id == book.id,
                                                                   Material.position == position,
                                                                   Material.id != chapter.id))
            if taken is not None:
                problems.append(("position", _("Place %(n)d of this book is taken by %(slug)s.", n=position, slug=taken)))
    if problems:
        raise DomainError(problems)
    before = _place(chapter)
    if (chapter.book_id, chapter.position) == (book.id, position):
        return False
    chapter.book_id, chapter.position = book.id, position
    db.session.flush()
    audit.record(actor, "material.book_place", chapter, summary=f"{book.title} › {chapter.title}",
                 before=before, after={"book": book.slug, "position": position})
    return True


def add_chapter(actor, book: Material, slug: str, data: services.MaterialData, *, position: int | None = None,
                origin: str = "site", note: str | None = None) -> Material:
    """A new chapter (a material of kind chapter) in the book, at `position` (default: last)."""
    services.require_content_admin(actor)
    if book.kind is not MaterialKind.book:
        raise DomainError(_("Chapters can only be added to a book."), "book_id")
    position = position or next_position(book)
    if not 1 <= position <= MAX_POSITION:
        raise DomainError(_("Give the chapter's place in the book, 1 to %(max)d.", max=MAX_POSITION), "position")
    taken = db.session.scalar(select(Material.slug).where(Material.book_id == book.id, Material.position == position))
    if taken is not None:
        raise DomainError(_("Place %(n)d of this book is taken by %(slug)s.", n=position, slug=taken), "position")
    data.kind = MaterialKind.chapter
    chapter = services.create_material(actor, slug, data, origin=origin, note=note)
    place_chapter(actor, chapter, book, position)
    return chapter


def move_chapter(actor, chapter: Material, step: int) -> bool:
    """Move a chapter one place up (step -1) or down (+1) in its book, swapping places with the
    neighbouring chapter. False at either end."""
    services.require_content_admin(actor)
    if chapter.book_id is None or chapter.position is None or step not in (-1, 1):
        raise DomainError(_("This material has no place in a book."))
    book = db.session.get(Material, chapter.book_id)
    siblings = list(db.session.scalars(select(Material).where(Material.book_id == book.id, Material.position.is_not(None))
                                       .order_by(Material.position)))
    index = siblings.index(chapter) + step
    if not 0 <= index < len(siblings):
        return False
    other = siblings[index]
    old, new = chapter.position, other.position
    # Through a free place, so that no two chapters share one even for a moment.
    chapter.position = None
    db.session.flush()
    other.position = old
    db.session.flush()
    chapter.position = new
    db.session.flush()
    audit.record(actor, "book.reorder", book, summary=f"{book.title}: {chapter.title} {old} → {new}",
                 before={chapter.slug: old, other.slug: new}, after={chapter.slug: new, other.slug: old})
    return True


def archive_chapter(actor, chapter: Material, note: str | None = None) -> bool:
    """Take a chapter out of its book's reading: withdrawn to draft (a new version) and without a
    place, still in the book for the admins; its history and the credit already earned stay."""
    services.require_content_admin(actor)
    changed = False
    if chapter.is_published:
        changed = services.set_status(actor, chapter, MaterialStatus.draft, note=note)
    if chapter.position is not None:
        book = db.session.get(Material, chapter.book_id)
        changed = place_chapter(actor, chapter, book, None) or changed
    return changed
