"""Books kept as files: `content/books/<book-slug>/` holds `book.md` (the book: title, summary,
source, tags, knowledge points, status; its text is the foreword) and one file per chapter,
`NN-<anything>.md` (NN: the chapter's place, 01–99; gaps are allowed), each a material file whose
kind is `chapter` and whose slug defaults to `<book-slug>-NN`.

Parsed and checked with everything else before the sync writes anything (`content.sync`); a
chapter whose file is gone is archived on the next sync (withdrawn, its history and credit kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from learnapp.db import db
from learnapp.materials import book_services, services
from learnapp.materials.content_files import (
    MaterialFile,
    Problem,
    SyncReport,
    parse_material,
    relative_path,
)
from learnapp.materials.models import Material, MaterialKind

BOOK_FIELDS = {"slug", "title", "summary", "source", "tags", "knowledge_points", "status"}
CHAPTER_FIELDS = {"slug", "title", "summary", "kind", "source", "estimated_minutes", "status", "tags",
                  "knowledge_points"}
CHAPTER_NAME = re.compile(r"^(\d{2})-[^/]*\.md$")


@dataclass
class ChapterFile:
    position: int
    file: MaterialFile


@dataclass
class BookFolder:
    path: str
    file: MaterialFile  # book.md
    chapters: list[ChapterFile] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.file.slug


def parse_books(root: Path, problems: list[Problem]) -> list[BookFolder]:
    """Every book folder under root/books/, checked: the books whose folder has a problem are left
    out (and the problems added)."""
    folder = root / "books"
    if not folder.is_dir():
        return []
    books = []
    for path in sorted(p for p in folder.iterdir() if p.is_dir()):
        book = parse_book(path, root, problems)
        if book is not None:
            books.append(book)
    return books


def parse_book(path: Path, root: Path, problems: list[Problem]) -> BookFolder | None:
    rel = relative_path(path, root)
    before = len(problems)
    book = None
    if not (path / "book.md").is_file():
        problems.append(Problem(rel, "book.md", "missing: a book folder starts with book.md (title, summary, source, …)"))
    else:
        book = parse_material(path / "book.md", root, problems, default_slug=path.name, default_kind=MaterialKind.book,
                              fields=BOOK_FIELDS)
    if book is not None:
        book.data.kind = MaterialKind.book
    folder = BookFolder(rel, book) if book is not None else None
    places: dict[int, str] = {}
    for chapter_path in sorted(path.iterdir()):
        name = chapter_path.name
        if name == "book.md" or name.lower() == "readme.md" or name.startswith("."):
            continue
        chapter_rel = relative_path(chapter_path, root)
        match = CHAPTER_NAME.match(name)
        if chapter_path.is_dir() or not match or int(match.group(1)) == 0:
            problems.append(Problem(chapter_rel, None, "not a chapter file: name chapters NN-<anything>.md with NN "
                                                       "their place in the book, 01 to 99 (e.g. 01-dangde-xingzhi.md)"))
            continue
        position = int(match.group(1))
        if position in places:
            problems.append(Problem(chapter_rel, "position", f"place {match.group(1)} is also taken by {places[position]}"))
            continue
        places[position] = chapter_rel
        slug_default = f"{path.name if book is None else book.slug}-{match.group(1)}"
        chapter = parse_material(chapter_path, root, problems, default_slug=slug_default,
                                 default_kind=MaterialKind.chapter, fields=CHAPTER_FIELDS)
        if chapter is None:
            continue
        if MaterialKind(chapter.data.kind) is not MaterialKind.chapter:
            problems.append(Problem(chapter_rel, "kind", "a book's chapter is of kind chapter (or leave kind out)"))
            continue
        if folder is not None:
            folder.chapters.append(ChapterFile(position, chapter))
    if len(problems) > before:
        return None
    return folder


def files_of(books: list[BookFolder]) -> list[MaterialFile]:
    """Every material file of the books (book.md and the chapters), for the duplicate-slug check."""
    return [f for book in books for f in (book.file, *(c.file for c in book.chapters))]


def check_against_database(books: list[BookFolder], problems: list[Problem]) -> None:
    """A slug of a book file already used in the database by a material of another kind, or by a
    chapter of another book, is a problem (the sync would turn one into the other)."""
    slugs = [f.slug for f in files_of(books)]
    if not slugs:
        return
    existing = {row.slug: row for row in db.session.execute(
        select(Material.slug, Material.kind, Material.book_id).where(Material.slug.in_(slugs)))}
    book_ids = {row.slug: row for row in db.session.execute(
        select(Material.slug, Material.id).where(Material.slug.in_([b.slug for b in books])))}
    for book in books:
        row = existing.get(book.slug)
        if row is not None and MaterialKind(row.kind) is not MaterialKind.book:
            problems.append(Problem(book.file.path, "slug", f"'{book.slug}' is a material of kind {row.kind}, not a book"))
        own_id = book_ids[book.slug].id if book.slug in book_ids else None
        for chapter in book.chapters:
            row = existing.get(chapter.file.slug)
            if row is None:
                continue
            if MaterialKind(row.kind) is not MaterialKind.chapter:
                problems.append(Problem(chapter.file.path, "slug", f"'{chapter.file.slug}' is a material of kind "
                                                                   f"{row.kind}, not a chapter"))
            elif row.book_id is not None and row.book_id != own_id:
                problems.append(Problem(chapter.file.path, "slug", f"'{chapter.file.slug}' is a chapter of another book"))


def sync_books(books: list[BookFolder], actor, report: SyncReport, sync_material) -> None:
    """Write the books and their chapters (`sync_material(file, report)` writes a material as the
    materials folder's sync does), place the chapters, archive the chapters whose file is gone."""
    for folder in books:
        book = sync_material(folder.file, report)
        wanted = {c.file.slug for c in folder.chapters}
        # Archived or moved chapters first give up their places, so that the files' places are free.
        gone_chapters = db.session.scalars(select(Material).where(Material.book_id == book.id,
                                                                  Material.slug.not_in(wanted or [""]))).all()
        for gone in gone_chapters:
            if gone.is_published or gone.position is not None:
                book_services.archive_chapter(actor, gone, note=f"content sync: {folder.path}: the chapter's file was removed")
                report.archived.append(gone.slug)
        chapters = []
        for c in folder.chapters:
            chapter = sync_material(c.file, report)
            if chapter.book_id == book.id and chapter.position is None:
                # Its file is back: the archived chapter is read again as the file says.
                services.update_material(actor, chapter, c.file.data, origin="sync", note=f"content sync: {c.file.path}")
            chapters.append((c.position, chapter))
        for wanted_place, chapter in chapters:
            if chapter.book_id == book.id and chapter.position is not None and \
                    chapter.position != wanted_place and any(p == chapter.position for p, _c in chapters):
                chapter.position = None  # a reorder in the files: free the place first (audited below)
        db.session.flush()
        for position, chapter in chapters:
            book_services.place_chapter(actor, chapter, book, position)
