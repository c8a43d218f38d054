"""Pages and the heartbeat API through the test client."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from learnapp.accounts.models import Stage
from learnapp.ledger.models import LedgerEntry
from learnapp.materials import list_queries, lists, queries, uploads
from learnapp.materials.lists import ListData
from learnapp.materials.models import (
    Attachment,
    Material,
    MaterialKind,
    MaterialStatus,
    MaterialVersion,
    ReadingList,
)
from learnapp.security import SYSTEM
from tests.helpers.materials import DEMO_VIDEO, make_material

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def start(client, material_id):
    return client.post("/api/reading/sessions", json={"material_id": material_id})


def beat(client, session_id, seq, at=None):
    body = {"seq": seq}
    if at is not None:
        body["at"] = at.isoformat()
    return client.post(f"/api/reading/sessions/{session_id}/heartbeat", json=body)


def test_demo_journey_read_a_required_article_and_see_the_credit(client, org, login, clock, db):
    material = make_material("short-read", minutes=5, title="党员的权利")
    rl = lists.create_list(SYSTEM, "y2026", ListData("2026必读", 2026), None)
    lists.add_assignment(SYSTEM, rl, None, None)
    lists.set_item(SYSTEM, rl, material, due_on=clock.now().date() + timedelta(days=30))
    db.session.commit()
    login(org.learner_a)
    page = client.get("/reading/").get_data(as_text=True)
    assert "党员的权利" in page and "0 / 1" in page
    read = client.get("/materials/short-read").get_data(as_text=True)
    assert "data-reading" in read and "<noscript>" in read and "js/reading.js" in read
    started = start(client, material.id)
    assert started.status_code == 201
    session_id = started.get_json()["session"]
    for seq in range(1, 11):
        clock.advance(seconds=30)
        response = beat(client, session_id, seq, clock.now())
        assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["completed"] and data["granted_hundredths"] == 25 and data["active_seconds"] == 300
    page = client.get("/reading/").get_data(as_text=True)
    assert "1 / 1" in page and "0.25" in page
    home = client.get("/").get_data(as_text=True)
    assert "0.25" in home  # the reading panel on the home page
    assert list_queries.reading_status(org.learner_a, 2026).required_done == 1


def test_api_refusals_are_json_with_reasons(client, org, login, clock, db):
    material = make_material(minutes=30)
    db.session.commit()
    assert start(client, material.id).status_code == 401  # not logged in
    login(org.learner_a)
    session_id = start(client, material.id).get_json()["session"]
    clock.advance(seconds=30)
    future = beat(client, session_id, 1, clock.now() + timedelta(minutes=10))
    assert (future.status_code, future.get_json()["error"]) == (400, "future_timestamp")
    assert beat(client, session_id, 1, clock.now()).status_code == 200
    clock.advance(seconds=30)
    replay = beat(client, session_id, 1)
    assert (replay.status_code, replay.get_json()["error"]) == (409, "replayed")
    bad = client.post(f"/api/reading/sessions/{session_id}/heartbeat", json={"seq": "x"})
    assert bad.status_code == 400 and bad.get_json()["ok"] is False
    login(org.learner_b)
    other = beat(client, session_id, 5)
    assert (other.status_code, other.get_json()["error"]) == (404, "unknown_session")
    assert start(client, 999999).get_json()["error"] == "material_unavailable"


def test_second_tab_supersedes_the_first(client, org, login, clock, db):
    first, second = make_material("one"), make_material("two")
    db.session.commit()
    login(org.learner_a)
    a = start(client, first.id).get_json()["session"]
    b = start(client, second.id).get_json()["session"]
    clock.advance(seconds=30)
    refused = beat(client, a, 1)
    assert (refused.status_code, refused.get_json()["error"]) == (409, "superseded")
    assert "另一个标签页" in refused.get_json()["message"]  # Chinese by default
    assert beat(client, b, 1).get_json()["credited_seconds"] == 30


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_heartbeats_need_the_csrf_token(client, org, clock, db, app_config):
    material = make_material()
    db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"login_id": "learner_a", "password": "secret123", "csrf_token": token})
    refused = start(client, material.id)
    assert refused.status_code == 400 and refused.is_json
    token = client.get("/materials/").get_data(as_text=True).split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    accepted = client.post("/api/reading/sessions", json={"material_id": material.id}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_drafts_are_hidden_from_learners(client, org, login, db):
    make_material("visible", title="公开的资料")
    make_material("hidden", title="草稿资料", status=MaterialStatus.draft)
    db.session.commit()
    login(org.learner_a)
    library = client.get("/materials/").get_data(as_text=True)
    assert "公开的资料" in library and "草稿资料" not in library
    assert "草稿资料" not in client.get("/materials/?q=草稿").get_data(as_text=True)
    assert client.get("/materials/hidden").status_code == 404
    login(org.committee_admin)
    assert "草稿资料" in client.get("/materials/").get_data(as_text=True)
    assert client.get("/materials/hidden").status_code == 200


def test_chinese_search_ranks_title_hits_first_and_filters(app, org, db):
    make_material("body-hit", title="关于组织生活", body="这里讲到民主集中制的原则", source="准则", points=["组织生活制度"])
    make_material("title-hit", title="民主集中制的基本原则", body="正文", source="党章", points=["民主集中制"])
    make_material("none", title="党史", body="遵义会议", source="党史")
    make_material("video", title="民主集中制微课", body="", kind=MaterialKind.video, source="党章")
    db.session.commit()

    def slugs(q=None, **filters):
        return [m.slug for m in db.session.scalars(queries.search_materials(org.learner_a, q, **filters))]

    assert slugs("民主集中制")[:1] == ["title-hit"] and set(slugs("民主集中制")) == {"title-hit", "body-hit", "video"}
    assert slugs("集中 原则") == ["title-hit", "body-hit"]  # every term must match somewhere
    assert slugs("民主集中制", source="准则") == ["body-hit"]
    assert slugs(kind="video") == ["video"]
    assert slugs(tag="民主集中制") == ["title-hit"]
    assert slugs("100%_") == []  # LIKE wildcards are escaped


def test_knowledge_point_lookup_for_the_quiz_notebook(app, org, db):
    make_material("rights", title="党员的权利", points=["党员的权利"], source="党章")
    make_material("both", title="权利与义务", points=["党员的权利", "党员的义务"], source="党章")
    make_material("draft", title="草稿", points=["党员的权利"], status=MaterialStatus.draft)
    make_material("discipline", title="处分", points=["纪律处分种类"], source="纪律处分条例")
    db.session.commit()
    found = queries.materials_for_knowledge_points(["党员的权利", "党员的义务"], ["党章"])
    assert [m.slug for m in found] == ["both", "rights"]
    assert [m.slug for m in queries.materials_for_knowledge_points([], ["纪律处分条例"])] == ["discipline"]
    assert queries.materials_for_knowledge_points([], []) == []


def test_attachments_need_login_and_a_checked_type(client, org, login, db, app):
    material = make_material()
    pdf = uploads.add_attachment(SYSTEM, material, io.BytesIO(PDF), "../../讲义.pdf")
    db.session.commit()
    assert pdf.filename == "讲义.pdf" and pdf.content_type == "application/pdf"
    response = client.get(f"/materials/files/{pdf.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(org.learner_a)
    response = client.get(f"/materials/files/{pdf.id}")
    assert response.status_code == 200 and response.data == PDF and response.mimetype == "application/pdf"
    login(org.committee_admin)
    fake = client.post(f"/materials/manage/{material.id}/attachments",
                       data={"file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "virus.pdf")}, content_type="multipart/form-data")
    assert fake.status_code == 400 and "不属于以上类型" in fake.get_data(as_text=True)
    app.config["MATERIALS_UPLOAD_LIMITS_MB"] = {"application": 0}
    big = client.post(f"/materials/manage/{material.id}/attachments",
                      data={"file": (io.BytesIO(PDF * 10), "big.pdf")}, content_type="multipart/form-data")
    assert big.status_code == 400 and "文件超过" in big.get_data(as_text=True)
    app.config["MATERIALS_UPLOAD_LIMITS_MB"] = {}
    ok = client.post(f"/materials/manage/{material.id}/attachments",
                     data={"file": (io.BytesIO(DEMO_VIDEO.read_bytes()), "课程.mp4")},
                     content_type="multipart/form-data")
    assert ok.status_code == 302
    video = db.session.scalar(select(Attachment).where(Attachment.content_type == "video/mp4"))
    assert video.filename == "课程.mp4"
    assert len(db.session.scalars(select(Attachment)).all()) == 2  # refused files left no row
    client.post(f"/materials/manage/attachments/{video.id}/remove")
    assert client.get(f"/materials/files/{video.id}").status_code == 404


def test_reading_page_shows_labels_and_current_attachments(client, org, login, db):
    material = make_material("with-files", points=["党员的义务", "党员的权利"], tags=["党章学习"])
    uploads.add_attachment(SYSTEM, material, io.BytesIO(PDF), "讲义.pdf")
    video = uploads.add_attachment(SYSTEM, material, io.BytesIO(DEMO_VIDEO.read_bytes()), "课程.mp4")
    removed = uploads.add_attachment(SYSTEM, material, io.BytesIO(PDF), "旧讲义.pdf")
    uploads.remove_attachment(SYSTEM, removed)
    make_material("other", points=["别的知识点"])  # another material's labels stay on its own page
    db.session.commit()
    login(org.learner_a)
    page = client.get("/materials/with-files").get_data(as_text=True)
    assert "讲义.pdf" in page and "课程.mp4" in page and "旧讲义.pdf" not in page
    assert f'<video controls preload="metadata" src="/materials/files/{video.id}"' in page
    assert page.index("党员的义务") < page.index("党员的权利") < page.index("党章学习")  # knowledge points, then tags
    assert "别的知识点" not in page


def test_admin_create_preview_edit_history_restore(client, org, login, db):
    login(org.committee_admin)
    form = {"slug": "new-one", "title": "新资料", "summary": "摘要", "body": "# 标题\n\n**正文**", "kind": "article",
            "source": "党章", "estimated_minutes": "12", "tags": "党章学习", "knowledge_points": "党员的义务，党员的权利",
            "status": "draft", "external_url": "", "note": ""}
    preview = client.post("/materials/manage/new", data={**form, "preview": "1"})
    assert preview.status_code == 200 and "<strong>正文</strong>" in preview.get_data(as_text=True)
    assert db.session.scalar(select(Material)) is None  # a preview saves nothing
    bad = client.post("/materials/manage/new", data={**form, "slug": "Bad Slug", "estimated_minutes": "0"})
    assert bad.status_code == 200 and db.session.scalar(select(Material)) is None
    assert client.post("/materials/manage/new", data=form).status_code == 302
    material = db.session.scalar(select(Material))
    assert material.knowledge_points == ["党员的义务", "党员的权利"] and material.status == MaterialStatus.draft
    assert client.post(f"/materials/manage/{material.id}/edit", data={**form, "title": "改过的标题"}).status_code == 302
    assert client.post(f"/materials/manage/{material.id}/status", data={"status": "published"}).status_code == 302
    db.session.refresh(material)
    assert (material.title, material.version, material.status) == ("改过的标题", 3, MaterialStatus.published)
    history = client.get(f"/materials/manage/{material.id}/history").get_data(as_text=True)
    assert "新资料" in history and "改过的标题" in history
    assert client.post(f"/materials/manage/{material.id}/versions/1/restore").status_code == 302
    db.session.refresh(material)
    assert (material.title, material.version) == ("新资料", 4)
    assert len(db.session.scalars(select(MaterialVersion)).all()) == 4


def test_branch_admin_makes_a_list_for_their_branch_only(client, org, login, db, clock):
    material = make_material()
    db.session.commit()
    login(org.admin_a)
    response = client.post("/reading/lists/new", data={"slug": "a-2026", "title": "甲支部篇目", "year": "2026",
                                                       "owner_branch_id": str(org.branch_c.id), "active": "y"})
    assert response.status_code == 200 and db.session.scalar(select(ReadingList)) is None  # not a choice for them
    response = client.post("/reading/lists/new", data={"slug": "a-2026", "title": "甲支部篇目", "year": "2026",
                                                       "owner_branch_id": str(org.branch_a.id), "active": "y"})
    assert response.status_code == 302
    rl = db.session.scalar(select(ReadingList))
    client.post(f"/reading/lists/{rl.id}/items", data={"material": material.slug, "required": "y", "due_on": "2026-09-30"})
    client.post(f"/reading/lists/{rl.id}/assignments", data={"branch_id": str(org.branch_a.id), "stage": Stage.activist.value})
    client.post(f"/reading/lists/{rl.id}/assignments", data={"branch_id": str(org.branch_c.id), "stage": ""})
    db.session.refresh(rl)
    assert [i.material.slug for i in rl.items] == [material.slug]
    assert [(a.branch_id, a.stage) for a in rl.assignments] == [(org.branch_a.id, Stage.activist)]
    assert [r.slug for r in list_queries.lists_for_user(org.learner_a, 2026)] == ["a-2026"]
    assert list_queries.lists_for_user(org.learner_b, 2026) == [] and list_queries.lists_for_user(org.learner_c, 2026) == []
    detail = client.get(f"/reading/lists/{rl.id}").get_data(as_text=True)
    assert org.learner_a.name in detail
    csv_text = client.get(f"/reading/lists/{rl.id}/progress.csv").get_data(as_text=True)
    assert "learner_a" in csv_text and "learner_c" not in csv_text


def test_reading_lists_by_stage_and_subtree(app, org, db):
    material = make_material()
    rl = lists.create_list(SYSTEM, "g1-activists", ListData("第一总支积极分子", 2026), None)
    lists.set_item(SYSTEM, rl, material)
    lists.add_assignment(SYSTEM, rl, org.general1, Stage.activist)
    db.session.commit()
    assert [r.slug for r in list_queries.lists_for_user(org.learner_a, 2026)] == ["g1-activists"]  # branch_a under general1
    assert [r.slug for r in list_queries.lists_for_user(org.learner_b, 2026)] == ["g1-activists"]
    assert list_queries.lists_for_user(org.learner_c, 2026) == []  # general2
    assert list_queries.lists_for_user(org.contact_a, 2026) == []  # a full member, not an activist
    assert list_queries.lists_for_user(org.learner_a, 2025) == []
    status = list_queries.reading_status(org.learner_a, 2026)
    assert (status.required_total, status.required_done) == (1, 0)


def test_no_ledger_entry_without_javascript(client, org, login, db):
    make_material("plain")
    db.session.commit()
    login(org.learner_a)
    for _ in range(5):
        assert client.get("/materials/plain").status_code == 200
    assert db.session.scalar(select(LedgerEntry)) is None


def test_pages_are_in_chinese_by_default(client, org, login, db):
    make_material("zh-page")
    db.session.commit()
    login(org.learner_a)
    page = client.get("/materials/zh-page", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "本年度已计时" in page and "浏览器禁用 JavaScript 时无法测量" in page
    assert "必读篇目" in client.get("/reading/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
