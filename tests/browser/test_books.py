"""A learner reads a book (书目): open the book, read chapter 1 until it is credited, and back on
the book page chapter 1 shows its credit and 继续阅读 leads to chapter 2. At 390 px and 1366 px.

Time is moved, never waited for (see test_learner.py): the server's clock through its offset file,
the page's timers through Playwright's fake clock."""

from __future__ import annotations

import pytest

from tests.helpers.books import write_book
from tests.helpers.browser import flows

pytestmark = pytest.mark.browser

SLUG = "journey-book"
# Five-minute chapters: ten heartbeats credit chapter 1 in full (0.25 学时, completed).
CHAPTERS = [("01-yi.md", "第一章 党的性质", 5, "党的性质"), ("02-er.md", "第二章 党员的权利", 5, "党员的权利"),
            ("03-san.md", "第三章 党员的义务", 5, "党员的义务")]


@pytest.fixture
def book(server, tmp_path):
    """The journey's book, synced into the server's database (idempotent: once for both sizes)."""
    write_book(tmp_path, SLUG, chapters=CHAPTERS)
    server.flask("content", "sync", "--path", str(tmp_path))
    return f"/materials/{SLUG}"


def test_learner_reads_a_book_chapter_by_chapter(journey, server, book):
    journey.login(server.login_for("learner", journey.index), step="home")
    journey.goto("/materials/", step="library")
    entry = journey.page.locator(f"main a[href='{book}']").first
    assert entry.count(), "the library should list the book as one entry"
    journey.click(entry, step="book")
    page = journey.page
    assert page.locator("[data-chapter]").count() == 3
    assert page.locator("[data-resume]").count() == 0, "nothing read yet: no 继续阅读"

    page.clock.install()
    with page.expect_response("**/api/reading/sessions") as started:
        journey.click(page.locator("[data-from-start]"), step="chapter-1")
    assert started.value.status == 201, started.value.text()
    assert page.locator("[data-book-link]").inner_text().strip() == "党章小读本"
    assert page.locator("a[rel='next']").get_attribute("href") == f"{book}-02"

    result = flows.read_until_credit(journey, server)
    assert result["completed"], result
    journey.shot("chapter-1-credited")

    journey.click(page.locator("[data-book-link]"), step="book-after")
    first = page.locator(f"[data-chapter='{SLUG}-01']")
    assert first.get_attribute("data-state") == "completed"
    assert "0.25" in first.inner_text()
    assert page.locator("[data-resume]").get_attribute("href") == f"{book}-02"
    assert page.locator("progress[data-book-progress]").get_attribute("value") == "1"
    journey.shot("book-continue")


def test_committee_admin_sees_a_book_with_its_chapters(journey, server, book):
    """管理 → 资料管理 → the book's 章节: the chapters in order with their places, on a phone too."""
    journey.login(server.login_for("committee admin"), step="home")
    journey.goto("/materials/manage/?q=党章小读本&kind=book", step="manage")
    journey.click(journey.page.locator("main a.button", has_text="章节").first, step="book-admin")
    rows = journey.page.locator("main table.cards tbody tr[data-chapter]")
    assert [rows.nth(i).get_attribute("data-chapter") for i in range(rows.count())] == [f"{SLUG}-0{n}" for n in (1, 2, 3)]
    journey.click(journey.page.locator("main a.button.primary", has_text="添加章节"), step="chapter-form")
    assert journey.page.locator("input#slug").input_value() == f"{SLUG}-04"
