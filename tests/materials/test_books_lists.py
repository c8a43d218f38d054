"""Reading lists with books: a book item is done when every published chapter is credited and its
due date applies to each chapter; a single chapter is an item of its own. The learner's list, the
year's status, the list's progress page and export, and the due reminders count them so."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from learnapp.materials import book_services, list_queries, services
from learnapp.materials import lists as list_services
from learnapp.materials.due_notices import remind_due
from learnapp.materials.lists import ListData
from learnapp.notices.models import Notice
from learnapp.security import SYSTEM
from tests.helpers.books import make_book, read_for


@pytest.fixture
def setup(app, db, org, clock):
    """A committee list: the book (required, due 2026-06-30) and chapter 2 of another book (optional)."""
    book, chapters = make_book("book", chapters=2, minutes=10)
    other, other_chapters = make_book("other", chapters=3, minutes=30)
    rl = list_services.create_list(SYSTEM, "books-2026", ListData("书目必读", 2026), None)
    list_services.add_assignment(SYSTEM, rl, None, None)
    list_services.set_item(SYSTEM, rl, book, required=True, due_on=date(2026, 6, 30))
    list_services.set_item(SYSTEM, rl, other_chapters[1], required=False)
    db.session.commit()
    return rl, book, chapters, other_chapters


def read(person, material, minutes: int) -> None:
    read_for(person, material, minutes * 60)


def items_of(person) -> list:
    (status,) = list_queries.my_lists(person, 2026)
    return status.items


def test_a_book_item_is_done_when_every_chapter_is_credited(setup, org, db):
    _rl, book, chapters, _other = setup
    book_item, chapter_item = items_of(org.learner_a)
    assert (book_item.is_book, book_item.state, book_item.item_credit) == (True, "not_started", 50)
    read(org.learner_a, chapters[0], 10)
    book_item, _ = items_of(org.learner_a)
    assert (book_item.state, book_item.credit, book_item.progress.done) == ("in_progress", 25, 1)
    assert list_queries.reading_status(org.learner_a, 2026).required_done == 0
    read(org.learner_a, chapters[1], 10)
    book_item, _ = items_of(org.learner_a)
    assert (book_item.state, book_item.credit) == ("completed", 50)
    status = list_queries.reading_status(org.learner_a, 2026)
    assert (status.required_done, status.required_total, status.optional_total) == (1, 1, 1)


def test_a_single_chapter_item_is_done_with_its_chapter(setup, org):
    *_rest, other_chapters = setup
    read(org.learner_a, other_chapters[1], 30)
    _book_item, chapter_item = items_of(org.learner_a)
    assert (chapter_item.is_book, chapter_item.state) == (False, "completed")
    assert list_queries.reading_status(org.learner_a, 2026).optional_done == 1


def test_a_new_chapter_makes_a_done_book_undone(setup, org, db):
    _rl, book, chapters, _other = setup
    for chapter in chapters:
        read(org.learner_a, chapter, 10)
    assert items_of(org.learner_a)[0].state == "completed"
    book_services.add_chapter(SYSTEM, book, "book-03", services.MaterialData(title="新章", source="党章",
                                                                              status="published"))
    assert items_of(org.learner_a)[0].state == "in_progress"


def test_the_books_due_date_applies_to_its_chapters(setup, client, login, org, clock, db):
    login(org.learner_a)
    html = client.get("/materials/book-02").get_data(as_text=True)
    assert "书目必读" in html and "2026年6月30日" in html
    page = client.get("/materials/book").get_data(as_text=True)
    assert "各章须于 2026年6月30日 前完成" in page
    clock.advance(days=16)  # 2026-07-01: overdue
    (status,) = list_queries.my_lists(org.learner_a, 2026)
    assert status.items[0].overdue


def test_my_reading_list_shows_a_book_as_one_item(setup, client, login, org, db):
    _rl, book, chapters, _other = setup
    read(org.learner_a, chapters[0], 10)
    db.session.commit()
    login(org.learner_a)
    html = client.get("/reading/").get_data(as_text=True)
    table = html[html.index("<table"):html.rindex("</table>")]  # (the chapter read shows under 最近阅读)
    assert 'href="/materials/book"' in table and "已计学时 1 / 2 章" in table
    assert 'href="/materials/other-02"' in table and 'href="/materials/book-01"' not in table


def test_the_list_progress_page_and_export_count_a_book_item(setup, client, login, org, db):
    rl, book, chapters, other_chapters = setup
    for chapter in chapters:
        read(org.learner_a, chapter, 10)
    read(org.learner_b, chapters[0], 10)
    read(org.learner_b, other_chapters[1], 30)
    db.session.commit()
    login(org.committee_admin)
    page = client.get(f"/reading/lists/{rl.id}").get_data(as_text=True)
    assert "共 2 章" in page
    csv = client.get(f"/reading/lists/{rl.id}/progress.csv").get_data(as_text=True)
    rows = {line.split(",")[0].strip('"'): line for line in csv.splitlines()[1:]}
    # Required done, required, all done, all items.
    assert '"1","1","1","2"' in rows[org.learner_a.login_id]
    assert '"0","1","1","2"' in rows[org.learner_b.login_id]


def test_due_reminders_skip_people_who_finished_the_book(setup, org, db, clock):
    _rl, book, chapters, _other = setup
    for chapter in chapters:
        read(org.learner_a, chapter, 10)
    read(org.learner_b, chapters[0], 10)
    clock.advance(days=14)  # 2026-06-29: due tomorrow
    remind_due(3)
    told = set(db.session.scalars(select(Notice.user_id).where(Notice.kind == "reading_due")))
    assert org.learner_b.id in told and org.learner_a.id not in told
