"""Books on the site: the book page (chapters with my state, progress, 继续阅读 / 从头开始), the
chapter page's breadcrumb and previous/next, a book as one library entry, drafts hidden from
learners, the book administration (add, reorder, audited), and the wrong-answer notebook's
"book › chapter"."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from learnapp.materials import book_services, services
from learnapp.materials.models import Material, MaterialKind, MaterialStatus
from learnapp.materials.queries import materials_for_knowledge_points
from learnapp.security import SYSTEM
from tests.helpers.books import make_book, read_for
from tests.helpers.materials import make_material


def states(html: str) -> dict[str, str]:
    """Chapter slug → data-state on the book page."""
    return dict(re.findall(r'data-chapter="([^"]+)" data-state="([^"]+)"', html))


def resume_href(html: str) -> str | None:
    found = re.search(r'data-resume href="([^"]+)"', html)
    return found.group(1) if found else None


@pytest.fixture
def book(app, db, org, clock):
    book, chapters = make_book("book", chapters=3, minutes=10)
    db.session.commit()
    return book, chapters


def test_a_new_reader_sees_every_chapter_not_started_and_starts_at_chapter_one(client, login, org, book):
    login(org.learner_a)
    html = client.get("/materials/book").get_data(as_text=True)
    assert states(html) == {"book-01": "not_started", "book-02": "not_started", "book-03": "not_started"}
    assert "前言正文" in html and "<progress" in html and 'value="0"' in html
    assert resume_href(html) is None
    assert 'data-from-start href="/materials/book-01"' in html and "开始阅读" in html


def test_states_progress_and_resume_follow_the_reading(client, login, org, book, clock, db):
    _book, (first, second, third) = book
    read_for(org.learner_a, first, 10 * 60)  # credited
    clock.advance(minutes=20)
    read_for(org.learner_a, second, 3 * 60)  # reading
    db.session.commit()
    login(org.learner_a)
    html = client.get("/materials/book").get_data(as_text=True)
    assert states(html) == {"book-01": "completed", "book-02": "in_progress", "book-03": "not_started"}
    assert "已读 3 分钟" in html and "已计学时 1 / 3 章" in html
    assert resume_href(html) == "/materials/book-02"  # the chapter read last, not finished
    assert "继续阅读" in html and "从头开始" in html


def test_once_the_last_chapter_read_is_credited_resume_goes_to_the_next_one(client, login, org, book, clock, db):
    _book, (first, second, third) = book
    read_for(org.learner_a, second, 10 * 60)
    db.session.commit()
    login(org.learner_a)
    assert resume_href(client.get("/materials/book").get_data(as_text=True)) == "/materials/book-03"
    clock.advance(minutes=20)
    read_for(org.learner_a, third, 10 * 60)
    db.session.commit()
    # Every later chapter credited: back to the first one not credited.
    assert resume_href(client.get("/materials/book").get_data(as_text=True)) == "/materials/book-01"
    clock.advance(minutes=20)
    read_for(org.learner_a, first, 10 * 60)
    db.session.commit()
    html = client.get("/materials/book").get_data(as_text=True)
    assert resume_href(html) is None and "已计学时 3 / 3 章" in html


def test_my_reading_is_my_own(client, login, org, book, db):
    read_for(org.learner_b, book[1][0], 10 * 60)
    db.session.commit()
    login(org.learner_a)
    assert set(states(client.get("/materials/book").get_data(as_text=True)).values()) == {"not_started"}


def test_the_chapter_page_shows_its_book_and_the_chapters_around_it(client, login, org, book):
    login(org.learner_a)
    html = client.get("/materials/book-02").get_data(as_text=True)
    assert 'href="/materials/book" data-book-link>书 book</a>' in html
    assert "第 2 章 / 共 3 章" in html
    assert 'rel="prev" href="/materials/book-01"' in html and 'rel="next" href="/materials/book-03"' in html
    first = client.get("/materials/book-01").get_data(as_text=True)
    assert 'rel="prev"' not in first and 'rel="next" href="/materials/book-02"' in first
    # The chapter is timed like any material.
    assert "data-reading" in first


def test_an_article_shows_no_book(client, login, org, app, db, clock):
    make_material("plain")
    db.session.commit()
    login(org.learner_a)
    html = client.get("/materials/plain").get_data(as_text=True)
    assert "data-book-link" not in html and "chapter-nav" not in html


def test_the_library_lists_a_book_once_and_a_search_finds_its_chapters(client, login, org, book, db):
    make_material("plain", title="一篇文章")
    read_for(org.learner_a, book[1][0], 10 * 60)
    db.session.commit()
    login(org.learner_a)
    html = client.get("/materials/").get_data(as_text=True)
    assert 'href="/materials/book"' in html and 'href="/materials/book-01"' not in html
    assert "共 3 章" in html and "30 分钟" in html and "已计学时 1 / 3 章" in html
    found = client.get("/materials/?q=第2章").get_data(as_text=True)
    assert 'href="/materials/book-02">书 book › 第2章</a>' in found


def test_a_draft_book_and_its_chapters_are_invisible_to_learners(client, login, org, app, db, clock):
    make_book("hidden", chapters=2, status=MaterialStatus.draft)
    db.session.commit()
    login(org.learner_a)
    assert client.get("/materials/hidden").status_code == 404
    assert client.get("/materials/hidden-01").status_code == 404
    assert 'href="/materials/hidden' not in client.get("/materials/?q=第1章").get_data(as_text=True)
    assert 'href="/materials/hidden"' not in client.get("/materials/").get_data(as_text=True)
    chapter = db.session.scalar(select(Material).where(Material.slug == "hidden-01"))
    answer = client.post("/api/reading/sessions", json={"material_id": chapter.id})
    assert answer.status_code == 404
    login(org.auditor)
    assert client.get("/materials/hidden-01").status_code == 200


def test_a_draft_chapter_is_left_out_of_a_published_book(client, login, org, book, db):
    book_services.add_chapter(SYSTEM, book[0], "book-04", services.MaterialData(title="草稿章", source="党章"))
    db.session.commit()
    login(org.learner_a)
    html = client.get("/materials/book").get_data(as_text=True)
    assert "book-04" not in states(html) and client.get("/materials/book-04").status_code == 404


def test_a_book_is_not_timed_itself(client, login, org, book):
    login(org.learner_a)
    answer = client.post("/api/reading/sessions", json={"material_id": book[0].id})
    assert answer.status_code == 409 and answer.get_json()["error"] == "not_timed"


def test_the_committee_admin_makes_a_book_adds_and_reorders_chapters(client, login, org, app, db, clock):
    login(org.committee_admin)
    answer = client.post("/materials/manage/new", data={
        "slug": "new-book", "title": "新书", "kind": "book", "source": "党章", "estimated_minutes": "10",
        "status": "published", "body": "前言", "save": "1"})
    book = db.session.scalar(select(Material).where(Material.slug == "new-book"))
    assert book.kind is MaterialKind.book and answer.headers["Location"].endswith(f"/materials/manage/books/{book.id}")
    page = client.get(f"/materials/manage/books/{book.id}/chapters/new").get_data(as_text=True)
    assert 'value="new-book-01"' in page
    for n in (1, 2):
        answer = client.post(f"/materials/manage/books/{book.id}/chapters/new", data={
            "slug": f"new-book-0{n}", "title": f"第{n}章", "kind": "chapter", "source": "党章",
            "estimated_minutes": "10", "status": "published", "body": "正文"})
        assert answer.status_code == 302
    taken = client.post(f"/materials/manage/books/{book.id}/chapters/new", data={
        "slug": "new-book-09", "title": "重复", "kind": "chapter", "source": "党章", "estimated_minutes": "10",
        "status": "published", "position": "2"})
    assert taken.status_code == 200 and "已由 new-book-02 占用" in taken.get_data(as_text=True)
    second = db.session.scalar(select(Material).where(Material.slug == "new-book-02"))
    assert client.post(f"/materials/manage/books/{book.id}/chapters/{second.id}/move",
                       data={"direction": "up"}).status_code == 302
    db.session.expire_all()
    order = db.session.scalars(select(Material.slug).where(Material.book_id == book.id).order_by(Material.position)).all()
    assert order == ["new-book-02", "new-book-01"]
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("material.book_place") == 2 and "book.reorder" in actions
    admin = client.get(f"/materials/manage/books/{book.id}").get_data(as_text=True)
    assert admin.index("new-book-02") < admin.index("new-book-01")
    # Versions and history work for chapters as for any material.
    assert client.get(f"/materials/manage/{second.id}/history").status_code == 200


def test_a_chapter_stays_a_chapter_and_a_book_with_chapters_a_book(app, db, org, book, clock):
    the_book, (first, *_rest) = book
    for material, kind in ((first, MaterialKind.article), (the_book, MaterialKind.article)):
        data = services.state_of(material)
        data.kind = kind
        with pytest.raises(services.DomainError):
            services.update_material(org.committee_admin, material, data)


def test_only_committee_admins_change_books(app, db, org, book):
    with pytest.raises(services.DomainError):
        book_services.move_chapter(org.admin_a, book[1][1], -1)
    with pytest.raises(services.DomainError):
        book_services.add_chapter(org.auditor, book[0], "x-01", services.MaterialData(title="x"))


def test_the_wrong_answer_notebook_suggests_a_chapter_as_book_and_chapter(app, db, org, clock):
    the_book, (chapter,) = make_book("nbk", chapters=1)
    data = services.state_of(chapter)
    data.knowledge_points = ["预备期"]
    services.update_material(SYSTEM, chapter, data)
    found = materials_for_knowledge_points(["预备期"])
    assert [m.display_title for m in found] == ["书 nbk › 第1章"]
    services.set_status(SYSTEM, the_book, MaterialStatus.draft)
    assert materials_for_knowledge_points(["预备期"]) == []
