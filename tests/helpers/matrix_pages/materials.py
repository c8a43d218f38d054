"""Every endpoint of the materials blueprint, for the permission matrix (tests/test_permission_matrix.py)."""

from __future__ import annotations

import io
from datetime import timedelta

from learnapp import clock
from learnapp.accounts.models import Stage
from learnapp.db import db
from learnapp.materials import lists, uploads
from learnapp.materials.lists import ListData
from learnapp.materials.models import MaterialStatus, ReadingSession
from learnapp.security import SYSTEM
from tests.helpers.books import make_book
from tests.helpers.materials import DEMO_VIDEO, make_material
from tests.helpers.matrix import ADMINS, COMMITTEE, READERS, SIGNED_IN, Page

PDF = b"%PDF-1.4\n% test\n"
VTT = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\n入党誓词\n".encode()
CA_AUD = frozenset({"committee_admin", "auditor"})
NOBODY = frozenset()


def pages(org) -> list[Page]:
    published = make_material("matrix-published", minutes=5)
    draft = make_material("matrix-draft", status=MaterialStatus.draft)
    shown = uploads.add_attachment(SYSTEM, published, io.BytesIO(PDF), "讲义.pdf")
    removable = uploads.add_attachment(SYSTEM, published, io.BytesIO(PDF), "旧讲义.pdf")
    hidden = uploads.add_attachment(SYSTEM, draft, io.BytesIO(PDF), "草稿.pdf")
    subtitles = uploads.add_attachment(SYSTEM, published, io.BytesIO(VTT), "字幕.vtt")
    hidden_subtitles = uploads.add_attachment(SYSTEM, draft, io.BytesIO(VTT), "草稿字幕.vtt")
    with DEMO_VIDEO.open("rb") as stream:
        video = uploads.add_attachment(SYSTEM, published, stream, "视频.mp4")
    committee_list = lists.create_list(SYSTEM, "matrix-committee", ListData("全体必读", 2026), None)
    lists.add_assignment(SYSTEM, committee_list, None, None)
    lists.set_item(SYSTEM, committee_list, published)
    own = lists.create_list(SYSTEM, "matrix-branch-a", ListData("甲支部篇目", 2026), org.branch_a)
    own_item = lists.set_item(SYSTEM, own, published)
    own_assignment = lists.add_assignment(SYSTEM, own, org.branch_a, Stage.activist)
    other = lists.create_list(SYSTEM, "matrix-branch-c", ListData("丙支部篇目", 2026), org.branch_c)
    other_item = lists.set_item(SYSTEM, other, published)
    other_assignment = lists.add_assignment(SYSTEM, other, org.branch_c, None)
    earlier = clock.now() - timedelta(minutes=1)
    mine = ReadingSession(user_id=org.learner_a.id, material_id=published.id, started_at=earlier, last_beat_at=earlier)
    theirs = ReadingSession(user_id=org.learner_c.id, material_id=published.id, started_at=earlier, last_beat_at=earlier)
    db.session.add_all([mine, theirs])
    db.session.flush()
    learner_self = SIGNED_IN  # herself, her training contact, the admins above her branch, auditors
    book, (chapter, second) = make_book("matrix-book", chapters=2, minutes=5)
    draft_book, (draft_chapter,) = make_book("matrix-draft-book", chapters=1, status=MaterialStatus.draft)

    m, d = published.id, draft.id
    material_form = {"title": "新标题", "summary": "", "body": "正文", "kind": "article", "source": "党章",
                     "estimated_minutes": "10", "status": "published", "tags": "", "knowledge_points": "",
                     "external_url": "", "note": ""}
    return [
        # Learner pages
        Page("materials.library", "/materials/", SIGNED_IN),
        Page("materials.library", "/materials/?q=资料&kind=article", SIGNED_IN, note="search"),
        Page("materials.read", "/materials/matrix-published", SIGNED_IN),
        Page("materials.read", "/materials/matrix-draft", CA_AUD, note="draft"),
        Page("materials.attachment", f"/materials/files/{shown.id}", SIGNED_IN),
        Page("materials.attachment", f"/materials/files/{hidden.id}", CA_AUD, note="draft's file"),
        Page("materials.attachment", f"/materials/files/{subtitles.id}", SIGNED_IN, note="subtitles"),
        Page("materials.attachment", f"/materials/files/{hidden_subtitles.id}", CA_AUD, note="draft's subtitles"),
        Page("materials.attachment", f"/materials/files/{video.id}", SIGNED_IN, note="video"),
        Page("materials.my_reading", "/reading/", SIGNED_IN),
        Page("materials.person_reading", f"/reading/people/{org.learner_a.id}", learner_self),
        Page("materials.person_reading", f"/reading/people/{org.learner_c.id}", CA_AUD, note="out of scope"),
        # Books: a book's page is its material's address; a draft book hides its published chapters
        Page("materials.read", "/materials/matrix-book", SIGNED_IN, note="book"),
        Page("materials.read", "/materials/matrix-book-01", SIGNED_IN, note="chapter"),
        Page("materials.read", "/materials/matrix-draft-book", CA_AUD, note="draft book"),
        Page("materials.read", "/materials/matrix-draft-book-01", CA_AUD, note="chapter of a draft book"),
        Page("materials.api_start", "/api/reading/sessions", NOBODY, "POST", {"material_id": str(draft_chapter.id)},
             note="chapter of a draft book"),
        Page("materials.book_admin", f"/materials/manage/books/{book.id}", CA_AUD),
        Page("materials.book_admin", f"/materials/manage/books/{chapter.id}", NOBODY, note="not a book"),
        Page("materials.chapter_create", f"/materials/manage/books/{book.id}/chapters/new", COMMITTEE),
        Page("materials.chapter_create", f"/materials/manage/books/{draft_book.id}/chapters/new", COMMITTEE, "POST",
             {"slug": "matrix-draft-book-02", "title": "第二章", "kind": "chapter", "source": "党章",
              "estimated_minutes": "10", "status": "draft", "position": "2"}),
        Page("materials.chapter_move", f"/materials/manage/books/{book.id}/chapters/{second.id}/move", COMMITTEE, "POST",
             {"direction": "up"}),
        # Heartbeat API (before the start below, which closes the learner's other sessions)
        Page("materials.api_heartbeat", f"/api/reading/sessions/{mine.id}/heartbeat", {"learner"}, "POST", {"seq": "1"}),
        Page("materials.api_heartbeat", f"/api/reading/sessions/{theirs.id}/heartbeat", NOBODY, "POST", {"seq": "1"},
             note="another person's session"),
        Page("materials.api_close", f"/api/reading/sessions/{mine.id}/close", {"learner"}, "POST"),
        Page("materials.api_close", f"/api/reading/sessions/{theirs.id}/close", NOBODY, "POST", note="another person's"),
        Page("materials.api_start", "/api/reading/sessions", SIGNED_IN, "POST", {"material_id": str(m)}),
        Page("materials.api_start", "/api/reading/sessions", NOBODY, "POST", {"material_id": str(d)}, note="draft"),
        # Content administration
        Page("materials.manage", "/materials/manage/", CA_AUD),
        Page("materials.create", "/materials/manage/new", COMMITTEE),
        Page("materials.create", "/materials/manage/new", COMMITTEE, "POST", {"slug": "x"}, note="incomplete"),
        Page("materials.edit", f"/materials/manage/{m}/edit", COMMITTEE),
        Page("materials.edit", f"/materials/manage/{m}/edit", COMMITTEE, "POST", material_form),
        Page("materials.set_status", f"/materials/manage/{d}/status", COMMITTEE, "POST", {"status": "published"}),
        Page("materials.history", f"/materials/manage/{m}/history", CA_AUD),
        Page("materials.version", f"/materials/manage/{m}/versions/1", CA_AUD),
        Page("materials.restore", f"/materials/manage/{m}/versions/1/restore", COMMITTEE, "POST"),
        Page("materials.upload", f"/materials/manage/{m}/attachments", COMMITTEE, "POST", note="no file"),
        Page("materials.remove_attachment", f"/materials/manage/attachments/{removable.id}/remove", COMMITTEE, "POST"),
        # Reading lists
        Page("materials.lists", "/reading/lists/", READERS),
        Page("materials.list_create", "/reading/lists/new", ADMINS),
        Page("materials.list_create", "/reading/lists/new", ADMINS, "POST", {"slug": "x"}, note="incomplete"),
        Page("materials.list_detail", f"/reading/lists/{committee_list.id}", READERS, note="committee"),
        Page("materials.list_detail", f"/reading/lists/{own.id}", READERS, note="branch a"),
        Page("materials.list_detail", f"/reading/lists/{other.id}", CA_AUD, note="branch c"),
        Page("materials.list_progress_csv", f"/reading/lists/{own.id}/progress.csv", READERS),
        Page("materials.list_progress_csv", f"/reading/lists/{other.id}/progress.csv", CA_AUD, note="branch c"),
        Page("materials.list_edit", f"/reading/lists/{committee_list.id}/edit", COMMITTEE, note="committee"),
        Page("materials.list_edit", f"/reading/lists/{own.id}/edit", ADMINS, note="branch a"),
        Page("materials.list_edit", f"/reading/lists/{other.id}/edit", COMMITTEE, note="branch c"),
        Page("materials.list_edit", f"/reading/lists/{own.id}/edit", ADMINS, "POST",
             {"title": "甲支部篇目", "year": "2026", "description": "", "active": "y"}, note="branch a"),
        Page("materials.list_item_add", f"/reading/lists/{own.id}/items", ADMINS, "POST",
             {"material": "matrix-published", "required": "y"}),
        Page("materials.list_item_add", f"/reading/lists/{other.id}/items", COMMITTEE, "POST",
             {"material": "matrix-published"}, note="branch c"),
        Page("materials.list_assign", f"/reading/lists/{own.id}/assignments", ADMINS, "POST",
             {"branch_id": str(org.branch_a.id), "stage": ""}),
        Page("materials.list_assign", f"/reading/lists/{other.id}/assignments", COMMITTEE, "POST",
             {"branch_id": str(org.branch_c.id), "stage": ""}, note="branch c"),
        Page("materials.list_item_remove", f"/reading/lists/{other.id}/items/{other_item.id}/remove", COMMITTEE, "POST",
             note="branch c"),
        Page("materials.list_item_remove", f"/reading/lists/{own.id}/items/{own_item.id}/remove", ADMINS, "POST"),
        Page("materials.list_unassign", f"/reading/lists/{other.id}/assignments/{other_assignment.id}/remove", COMMITTEE,
             "POST", note="branch c"),
        Page("materials.list_unassign", f"/reading/lists/{own.id}/assignments/{own_assignment.id}/remove", ADMINS, "POST"),
    ]
