"""Reads of books (书目): a book is a material of kind `book` (its text is the foreword); its
chapters are ordinary materials of kind `chapter` naming the book (`book_id`) and their place in
it (`position`). Each chapter is timed and credited on its own by the heartbeat, exactly like any
material; a book's progress is read from its chapters' progress.

Every read here takes a fixed number of statements whatever the number of chapters or books.

Public API for the other modules of the domain:
- `chapters_of(book_id)` — the book's chapters in order (no text);
- `chapters_by_book(book_ids, published_only=True)` — the chapters of several books at once;
- `book_states(book, chapters, progress)` — each chapter's state for one person, with where to resume;
- `book_progress(chapters, progress, year)` — a book as one reading-list item (done when every
  published chapter is credited);
- `neighbours(chapter)` — the book, previous and next chapter of a chapter's page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, func, select

from learnapp.db import db
from learnapp.ledger.rules import YearRules, rules_for_year
from learnapp.materials.credit import material_credit
from learnapp.materials.models import (
    Material,
    MaterialKind,
    MaterialStatus,
    ReadingProgress,
    reading_state,
)


@dataclass(frozen=True)
class ChapterRow:
    """What the book page and the lists need of a chapter (no text)."""

    id: int
    book_id: int
    slug: str
    title: str
    position: int | None
    estimated_minutes: int
    kind: MaterialKind
    status: MaterialStatus

    @property
    def is_published(self) -> bool:
        return self.status is MaterialStatus.published


@cache
def _chapters_statement() -> Select:
    m = Material.__table__.c
    return (select(m.id, m.book_id, m.slug, m.title, m.position, m.estimated_minutes, m.kind, m.status)
            .where(m.book_id.in_(bindparam("book_ids", expanding=True)))
            .order_by(m.book_id, m.position.is_(None), m.position, m.id))


def chapters_by_book(book_ids, *, published_only: bool = True) -> dict[int, list[ChapterRow]]:
    """The chapters of these books in order, by book id: one statement (none without books).
    Drafts (a withdrawn chapter, one removed from the content files) only when asked."""
    book_ids = sorted(set(book_ids))
    result: dict[int, list[ChapterRow]] = {book_id: [] for book_id in book_ids}
    if not book_ids:
        return result
    for row in db.session.execute(_chapters_statement(), {"book_ids": book_ids}):
        chapter = ChapterRow(row.id, row.book_id, row.slug, row.title, row.position, row.estimated_minutes,
                             MaterialKind(row.kind), MaterialStatus(row.status))
        if chapter.is_published or not published_only:
            result[row.book_id].append(chapter)
    return result


def chapters_of(book_id: int, *, published_only: bool = True) -> list[ChapterRow]:
    return chapters_by_book([book_id], published_only=published_only)[book_id]


@cache
def _book_statement() -> Select:
    m = Material.__table__.c
    return select(m.id, m.slug, m.title, m.status).where(m.id == bindparam("book_id"))


@dataclass
class Neighbours:
    """A chapter's place: its book (id, slug, title, published), the previous and next chapter."""

    book_id: int
    book_slug: str
    book_title: str
    book_published: bool
    previous: ChapterRow | None = None
    next: ChapterRow | None = None
    number: int = 0  # the chapter's place among the book's published chapters (1 …), 0 when not among them
    total: int = 0


def neighbours(chapter: Material) -> Neighbours | None:
    """The book and the previous and next published chapters of a chapter (two statements; none
    for a material that is not in a book)."""
    if chapter.book_id is None:
        return None
    book = db.session.execute(_book_statement(), {"book_id": chapter.book_id}).one_or_none()
    if book is None:
        return None
    found = Neighbours(book.id, book.slug, book.title, MaterialStatus(book.status) is MaterialStatus.published)
    chapters = chapters_of(book.id)
    found.total = len(chapters)
    ids = [c.id for c in chapters]
    if chapter.id in ids:
        index = ids.index(chapter.id)
        found.number = index + 1
        found.previous = chapters[index - 1] if index > 0 else None
        found.next = chapters[index + 1] if index + 1 < len(chapters) else None
    return found


def book_is_visible(book_status: MaterialStatus | str | None) -> bool:
    return book_status is not None and MaterialStatus(book_status) is MaterialStatus.published


# --- one person's progress through a book ------------------------------------------------------


@dataclass
class ChapterState:
    chapter: ChapterRow
    progress: ReadingProgress | None
    credit: int  # hundredths the year's rules give for the chapter

    @property
    def state(self) -> str:
        return reading_state(self.progress)

    @property
    def minutes_read(self) -> int:
        return (self.progress.active_seconds if self.progress else 0) // 60

    @property
    def granted(self) -> int:
        return self.progress.granted_hundredths if self.progress else 0


@dataclass
class BookState:
    chapters: list[ChapterState] = field(default_factory=list)
    resume: ChapterState | None = None  # where 继续阅读 leads; None before the first chapter is opened

    @property
    def total(self) -> int:
        return len(self.chapters)

    @property
    def done(self) -> int:
        return sum(1 for c in self.chapters if c.state == "completed")

    @property
    def minutes(self) -> int:
        return sum(c.chapter.estimated_minutes for c in self.chapters)

    @property
    def credit(self) -> int:
        return sum(c.credit for c in self.chapters)

    @property
    def granted(self) -> int:
        return sum(c.granted for c in self.chapters)

    @property
    def first(self) -> ChapterState | None:
        return self.chapters[0] if self.chapters else None


def resume_point(states: list[ChapterState]) -> ChapterState | None:
    """Where to go on: the chapter read last; once it is credited, the first chapter after it that
    is not (or, when every later one is, the first one not credited before it). None when no
    chapter was opened yet, or every chapter is credited."""
    read = [s for s in states if s.progress is not None and s.progress.last_read_at is not None]
    if not read:
        return None
    last = max(read, key=lambda s: (s.progress.last_read_at, s.progress.id or 0))
    if last.state != "completed":
        return last
    index = states.index(last)
    for state in [*states[index + 1:], *states[:index]]:
        if state.state != "completed":
            return state
    return None


def book_state(chapters: list[ChapterRow], progress: dict[int, ReadingProgress], year: int,
               *, rules: YearRules | None = None) -> BookState:
    """Each published chapter's state for the person whose `progress` (by material id) is given."""
    rules = rules or (rules_for_year(year) if chapters else None)
    states = [ChapterState(c, progress.get(c.id), material_credit(year, c.estimated_minutes, c.kind, rules=rules))
              for c in chapters]
    return BookState(states, resume_point(states))


@dataclass
class BookProgress:
    """A book as one reading-list item: in the place of a ReadingProgress (the sums of its
    chapters'), completed when every published chapter is."""

    active_seconds: int = 0
    counted_seconds: int = 0
    granted_hundredths: int = 0
    completed_at: datetime | None = None
    last_read_at: datetime | None = None
    done: int = 0
    total: int = 0


def book_progress(chapters: list[ChapterRow], progress: dict[int, ReadingProgress]) -> BookProgress | None:
    """The sums of the chapters' progress; None when no chapter was opened."""
    mine = [progress[c.id] for c in chapters if c.id in progress]
    if not mine:
        return None
    done = [p for p in mine if p.completed_at is not None]
    result = BookProgress(active_seconds=sum(p.active_seconds for p in mine),
                          counted_seconds=sum(p.counted_seconds for p in mine),
                          granted_hundredths=sum(p.granted_hundredths for p in mine),
                          last_read_at=max((p.last_read_at for p in mine if p.last_read_at), default=None),
                          done=len(done), total=len(chapters))
    if chapters and len(done) == len(chapters):
        result.completed_at = max(p.completed_at for p in done)
    return result


def book_credit(chapters: list[ChapterRow], year: int, rules: YearRules | None = None) -> int:
    """What reading every published chapter earns in the year (hundredths)."""
    rules = rules or (rules_for_year(year) if chapters else None)
    return sum(material_credit(year, c.estimated_minutes, c.kind, rules=rules) for c in chapters)


# --- the library: a book as one entry ------------------------------------------------------------


@dataclass
class BookSummary:
    chapters: int = 0
    minutes: int = 0
    done: int = 0  # chapters the person has completed this year


def summaries(book_ids: list[int], user_id: int, year: int) -> dict[int, BookSummary]:
    """Chapter count, total minutes and the person's completed chapters of each book (two
    statements; none without books)."""
    if not book_ids:
        return {}
    m, p = Material.__table__.c, ReadingProgress.__table__.c
    published = m.status == MaterialStatus.published
    result = {book_id: BookSummary() for book_id in book_ids}
    for book_id, count, minutes in db.session.execute(
            select(m.book_id, func.count(m.id), func.coalesce(func.sum(m.estimated_minutes), 0))
            .where(m.book_id.in_(book_ids), published).group_by(m.book_id)):
        result[book_id].chapters, result[book_id].minutes = count, int(minutes)
    for book_id, done in db.session.execute(
            select(m.book_id, func.count(p.id)).join(ReadingProgress.__table__, p.material_id == m.id)
            .where(m.book_id.in_(book_ids), published, p.user_id == user_id, p.year == year,
                   p.completed_at.is_not(None)).group_by(m.book_id)):
        result[book_id].done = done
    return result
