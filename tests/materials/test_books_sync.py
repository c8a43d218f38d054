"""`content sync` of books: a folder of chapter files becomes a book and its chapters, idempotent,
all or nothing with `path: field: message`, reordered by the files, a removed chapter archived
with its history and credit kept; reading lists take `book:` items."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnapp.audit.models import AuditEntry
from learnapp.ledger.models import LedgerEntry
from learnapp.materials.content import ContentError, sync
from learnapp.materials.models import (
    Material,
    MaterialKind,
    MaterialStatus,
    MaterialVersion,
    ReadingList,
)
from tests.helpers.books import BOOK_MD, CHAPTER_MD, read_for, write, write_book


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def chapters(db, book_slug: str = "xiaoduben") -> list[tuple[str, int | None, str]]:
    book = db.session.scalar(select(Material).where(Material.slug == book_slug))
    rows = db.session.scalars(select(Material).where(Material.book_id == book.id)
                              .order_by(Material.position.is_(None), Material.position, Material.slug))
    return [(m.slug, m.position, str(m.status)) for m in rows]


@pytest.fixture
def root(tmp_path):
    write_book(tmp_path)
    return tmp_path


def test_a_book_folder_becomes_a_book_and_its_chapters(app, clock, db, root):
    report = sync(root)
    assert report.created == ["xiaoduben", "xiaoduben-01", "xiaoduben-02", "xiaoduben-04"]
    book = db.session.scalar(select(Material).where(Material.slug == "xiaoduben"))
    assert (book.kind, book.title, book.is_published) == (MaterialKind.book, "党章小读本", True)
    assert "本书供测试使用" in book.body and book.tags == ["党章学习"]
    assert chapters(db) == [("xiaoduben-01", 1, "published"), ("xiaoduben-02", 2, "published"),
                            ("xiaoduben-04", 4, "published")]
    first = db.session.scalar(select(Material).where(Material.slug == "xiaoduben-01"))
    assert (first.kind, first.estimated_minutes, first.knowledge_points) == (MaterialKind.chapter, 30, ["党的性质"])
    assert first.content_path.endswith("books/xiaoduben/01-xingzhi.md")


def test_a_second_sync_changes_nothing(app, clock, db, root):
    sync(root)
    db.session.commit()
    audits, versions = count(db, AuditEntry), count(db, MaterialVersion)
    report = sync(root)
    assert report.created == [] and report.updated == [] and report.archived == []
    assert len(report.unchanged) == 4
    assert (count(db, AuditEntry), count(db, MaterialVersion)) == (audits, versions)


def test_a_changed_chapter_is_a_new_version(app, clock, db, root):
    sync(root)
    write(root / "books/xiaoduben", "02-quanli.md", CHAPTER_MD.format(title="党员的八项权利", minutes=20, point="党员的权利", n=2))
    assert sync(root).updated == ["xiaoduben-02"]
    chapter = db.session.scalar(select(Material).where(Material.slug == "xiaoduben-02"))
    assert (chapter.version, chapter.title, chapter.position) == (2, "党员的八项权利", 2)


def test_renamed_files_reorder_the_chapters_with_their_slugs(app, clock, db, root):
    sync(root)
    folder = root / "books/xiaoduben"
    # The chapters keep their slugs (written in the files) while their places swap.
    for name, slug in (("01-xingzhi.md", "xiaoduben-01"), ("02-quanli.md", "xiaoduben-02")):
        text = (folder / name).read_text(encoding="utf-8").replace("---\ntitle:", f"---\nslug: {slug}\ntitle:", 1)
        (folder / name).unlink()
        write(folder, ("02-" if name.startswith("01") else "01-") + name[3:], text)
    sync(root)
    assert chapters(db)[:2] == [("xiaoduben-02", 1, "published"), ("xiaoduben-01", 2, "published")]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "material.book_place")) >= 5


def test_a_removed_chapter_file_archives_the_chapter_and_keeps_its_history_and_credit(app, clock, db, root, org):
    sync(root)
    chapter = db.session.scalar(select(Material).where(Material.slug == "xiaoduben-02"))
    read_for(org.learner_a, chapter, 15 * 60)
    lines = count(db, LedgerEntry)
    assert lines > 0
    (root / "books/xiaoduben/02-quanli.md").unlink()
    report = sync(root)
    assert report.archived == ["xiaoduben-02"]
    assert ("xiaoduben-02", None, "draft") in chapters(db)
    versions = db.session.scalars(select(MaterialVersion.status).where(MaterialVersion.material_id == chapter.id)
                                  .order_by(MaterialVersion.version)).all()
    assert versions == ["published", "draft"]
    assert count(db, LedgerEntry) == lines
    assert sync(root).archived == []  # once is enough
    # The file comes back: the chapter is published again at its place.
    write(root / "books/xiaoduben", "02-quanli.md", CHAPTER_MD.format(title="党员的权利", minutes=15, point="党员的权利", n=2))
    sync(root)
    assert ("xiaoduben-02", 2, "published") in chapters(db)


def test_a_draft_book(app, clock, db, tmp_path):
    write_book(tmp_path, status="draft")
    sync(tmp_path)
    assert db.session.scalar(select(Material.status).where(Material.slug == "xiaoduben")) is MaterialStatus.draft


BAD = {
    "missing book.md": (lambda folder: (folder / "book.md").unlink(), "books/xiaoduben: book.md: missing"),
    "duplicate place": (lambda folder: write(folder, "02-again.md", CHAPTER_MD.format(title="又一章", minutes=5, point="x", n=9)),
                        "books/xiaoduben/02-quanli.md: position: place 02 is also taken by"),
    "file outside the pattern": (lambda folder: write(folder, "chapter-three.md", "x"),
                                 "books/xiaoduben/chapter-three.md: not a chapter file"),
    "place 00": (lambda folder: write(folder, "00-zero.md", "x"), "books/xiaoduben/00-zero.md: not a chapter file"),
    "three digits": (lambda folder: write(folder, "100-x.md", "x"), "books/xiaoduben/100-x.md: not a chapter file"),
    "a chapter of another kind": (lambda folder: write(folder, "05-video.md", "---\ntitle: 视频\nkind: video\n---\n"),
                                  "books/xiaoduben/05-video.md: kind: a book's chapter is of kind chapter"),
    "an unknown field in book.md": (lambda folder: write(folder, "book.md", BOOK_MD.format(status="published")
                                                         .replace("tags:", "estimated_minutes: 5\ntags:")),
                                    "books/xiaoduben/book.md: estimated_minutes: unknown field"),
    "external_url in a chapter": (lambda folder: write(folder, "06-link.md", "---\ntitle: 链接\nexternal_url: https://x.cn\n---\n"),
                                  "books/xiaoduben/06-link.md: external_url: unknown field"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_book_folder_refuses_the_whole_sync(app, clock, db, root, case):
    spoil, expected = BAD[case]
    write(root, "materials/alpha.md", "---\ntitle: 甲\nsource: 党章\n---\n正文\n")
    spoil(root / "books/xiaoduben")
    with pytest.raises(ContentError) as refused:
        sync(root)
    found = [str(p).split(root.name + "/", 1)[-1] for p in refused.value.problems]
    assert any(p.startswith(expected) for p in found), found
    assert count(db, Material) == 0  # nothing loaded, not even the good files


def test_a_gap_in_the_places_is_fine(app, clock, db, root):
    sync(root)
    assert [place for _slug, place, _status in chapters(db)] == [1, 2, 4]


LIST = """year: 2026
title: 书目必读
assign: [{branch: all}]
items:
  - book: xiaoduben
    due: 2026-09-30
  - material: xiaoduben-02
    required: false
"""


def test_reading_lists_take_a_book_and_a_single_chapter(app, clock, db, root):
    write(root, "reading-lists/books-2026.yaml", LIST)
    sync(root)
    rl = db.session.scalar(select(ReadingList))
    assert [(i.material.slug, i.required, str(i.due_on)) for i in rl.items] == [
        ("xiaoduben", True, "2026-09-30"), ("xiaoduben-02", False, "None")]


@pytest.mark.parametrize(("item", "expected"), [
    ("  - material: xiaoduben\n", "items[1].material: 'xiaoduben' is a book (write book: xiaoduben)"),
    ("  - book: xiaoduben-01\n", "items[1].book: 'xiaoduben-01' is not a book"),
    ("  - book: nope\n", "items[1].book: no book with slug 'nope'"),
    ("  - {book: xiaoduben, material: xiaoduben-01}\n", "items[1]: each item has material"),
])
def test_a_list_item_must_name_a_book_as_a_book(app, clock, db, root, item, expected):
    write(root, "reading-lists/books-2026.yaml", f"year: 2026\ntitle: 书目\nitems:\n{item}")
    with pytest.raises(ContentError) as refused:
        sync(root)
    assert any(expected in str(p) for p in refused.value.problems), [str(p) for p in refused.value.problems]


def test_a_book_slug_used_by_an_article_is_refused(app, clock, db, root):
    write(root, "materials/xiaoduben.md", "---\ntitle: 同名文章\nsource: 党章\n---\n正文\n")
    with pytest.raises(ContentError) as refused:
        sync(root)
    assert any("'xiaoduben' is also used by" in str(p) for p in refused.value.problems)
