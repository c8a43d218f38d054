"""Bank pages: list and filters, editor per kind with errors on fields, versions, import flow."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from learnapp.bank import services
from learnapp.bank.formats import spreadsheet
from learnapp.bank.formats.base import ParsedQuestion
from learnapp.bank.models import Question, QuestionKind, QuestionVersion

FILES = Path(__file__).parent / "files"


def make_question(org, category=None, **kw):
    category = category or services.create_category(org.committee_admin, "党章")
    pq = ParsedQuestion(kind=QuestionKind.single, stem=kw.pop("stem", "党的最高理想是____。"), options=[
        {"key": "A", "text": "实现共产主义", "fraction": 100}, {"key": "B", "text": "全面小康", "fraction": 0}],
        explanation="见党章总纲。", source="党章", knowledge_points=["最高理想"], **kw)
    return services.create_question(org.committee_admin, category, pq)


def test_index_lists_and_filters(client, login, org, db):
    q = make_question(org)
    db.session.commit()
    login(org.committee_admin)
    page = client.get("/bank/").get_data(as_text=True)
    assert "党的最高理想是____。" in page and "党章" in page
    assert "党的最高理想" not in client.get("/bank/?kind=truefalse").get_data(as_text=True).split("<tbody>")[1]
    assert "党的最高理想" in client.get("/bank/?q=最高理想&kp=最高理想&source=党章").get_data(as_text=True)
    assert client.get(f"/bank/?category={q.category_id}").status_code == 200
    assert client.get("/bank/?category=9999").status_code == 404


def test_detail_shows_answers_and_preview_hides_them_until_asked(client, login, org, db):
    q = make_question(org)
    db.session.commit()
    login(org.auditor)
    detail = client.get(f"/bank/questions/{q.id}").get_data(as_text=True)
    assert "bank-correct" in detail and "见党章总纲。" in detail
    assert "Edit" not in detail and "编辑" not in detail  # auditors read only
    preview = client.get(f"/bank/questions/{q.id}/preview").get_data(as_text=True)
    assert "<details" in preview and 'disabled' in preview
    assert client.get(f"/bank/questions/{q.id}/edit").status_code == 403


def test_create_each_kind_through_the_editor(client, login, org, db):
    category = services.create_category(org.committee_admin, "党章")
    db.session.commit()
    login(org.committee_admin)
    base = {"category_id": category.id, "default_points": 1, "difficulty": 2, "source": "党章", "knowledge_points": "入党条件；预备期"}
    posts = {
        "single": {**base, "stem": "单选题干", "option_A": "甲", "option_B": "乙", "correct": ["B"]},
        "multiple": {**base, "stem": "多选题干", "option_A": "甲", "option_B": "乙", "option_C": "丙", "correct": ["A", "C"]},
        "truefalse": {**base, "stem": "判断题干", "tf_answer": "false"},
        "fill_blank": {**base, "stem": "预备期为____。", "blanks": "一年 | 1年"},
        "essay": {**base, "stem": "简述。", "reference_answer": "要点"},
    }
    for kind, data in posts.items():
        response = client.post(f"/bank/questions/new?kind={kind}", data=data)
        assert response.status_code == 302, (kind, response.get_data(as_text=True)[:3000])
    versions = {v.kind: v for v in db.session.scalars(select(QuestionVersion))}
    assert versions[QuestionKind.single].correct_keys == ["B"]
    assert [o["fraction"] for o in versions[QuestionKind.multiple].options] == [50, -50, 50]
    assert versions[QuestionKind.truefalse].answer is False
    assert versions[QuestionKind.fill_blank].answer == [["一年", "1年"]]
    assert versions[QuestionKind.essay].reference_answer == "要点"
    assert versions[QuestionKind.single].knowledge_points == ["入党条件", "预备期"]


def test_editor_errors_on_fields(client, login, org, db):
    category = services.create_category(org.committee_admin, "党章")
    db.session.commit()
    login(org.committee_admin)
    page = client.post("/bank/questions/new?kind=single", data={
        "category_id": category.id, "stem": "题", "option_A": "甲", "option_B": "乙", "default_points": 1, "difficulty": 0})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'class="error"' in html
    blank = client.post("/bank/questions/new?kind=fill_blank", data={
        "category_id": category.id, "stem": "两空____和____", "blanks": "甲", "default_points": 1, "difficulty": 0})
    assert 'class="error"' in blank.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Question.id))) == 0


def test_edit_makes_version_and_history_shows_both(client, login, org, db):
    q = make_question(org)
    db.session.commit()
    login(org.committee_admin)
    form = {"category_id": q.category_id, "stem": "党的最高理想和最终目标是____。", "option_A": "实现共产主义", "option_B": "全面小康",
            "correct": ["A"], "default_points": 2, "difficulty": 0, "source": "党章", "knowledge_points": "最高理想",
            "explanation": "见党章总纲。", "change_note": "补充“最终目标”"}
    assert client.post(f"/bank/questions/{q.id}/edit", data=form).status_code == 302
    assert client.post(f"/bank/questions/{q.id}/edit", data=form).status_code == 302  # unchanged: no version 3
    db.session.expire_all()
    question = db.session.get(Question, q.id)
    assert question.current_version.number == 2 and question.current_version.default_points == 2
    page = client.get(f"/bank/questions/{q.id}?v=1").get_data(as_text=True)
    assert "党的最高理想是" in page and "补充“最终目标”" in page
    assert client.get(f"/bank/questions/{q.id}?v=9").status_code == 404


def test_retire_restore(client, login, org, db):
    q = make_question(org)
    db.session.commit()
    login(org.committee_admin)
    client.post(f"/bank/questions/{q.id}/retire")
    db.session.expire_all()
    assert db.session.get(Question, q.id).retired
    assert "党的最高理想" not in client.get("/bank/").get_data(as_text=True).split("<tbody>")[1]
    assert "党的最高理想" in client.get("/bank/?retired=retired").get_data(as_text=True)
    client.post(f"/bank/questions/{q.id}/restore")
    db.session.expire_all()
    assert not db.session.get(Question, q.id).retired


def test_category_pages(client, login, org, db):
    login(org.committee_admin)
    response = client.post("/bank/categories/new", data={"name": "党章", "branch_id": 0})
    assert response.status_code == 302
    root_id = int(response.headers["Location"].split("category=")[1])
    assert client.post(f"/bank/categories/new?parent={root_id}", data={"name": "总纲", "parent_id": root_id}).status_code == 302
    dup = client.post(f"/bank/categories/new?parent={root_id}", data={"name": "总纲", "parent_id": root_id})
    assert dup.status_code == 200 and 'class="error"' in dup.get_data(as_text=True)
    assert client.post(f"/bank/categories/{root_id}/edit", data={"name": "中国共产党章程", "parent_id": 0}).status_code == 302
    assert client.post(f"/bank/categories/{root_id}/delete").status_code == 302  # refused: has a child
    assert "中国共产党章程" in client.get("/bank/").get_data(as_text=True)


def test_branch_admin_owns_a_branch_bank(client, login, org, db):
    login(org.admin_a)
    response = client.post("/bank/categories/new", data={"name": "甲支部题库", "branch_id": org.branch_a.id})
    assert response.status_code == 302
    refused = client.post("/bank/categories/new", data={"name": "越权", "branch_id": org.branch_c.id})
    assert refused.status_code == 404
    assert client.post("/bank/categories/new", data={"name": "委员会", "branch_id": 0}).status_code == 200


def test_import_flow_preview_then_confirm(client, login, org, db):
    login(org.committee_admin)
    data = (FILES / "mixed.gift").read_bytes()
    response = client.post("/bank/import", data={"file": (io.BytesIO(data), "mixed.gift"), "format": "auto", "category_id": 0},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    preview_url = response.headers["Location"]
    preview = client.get(preview_url).get_data(as_text=True)
    assert "matching" in preview and "numerical" in preview and "22" in preview
    assert db.session.scalar(select(func.count(Question.id))) == 0
    done = client.post(preview_url, data={"duplicates": "skip"})
    assert done.status_code == 200 and "7" in done.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Question.id))) == 7
    assert client.get(preview_url).status_code == 404  # the upload is gone after import


def test_import_preview_flags_duplicates_and_errors(client, login, org, db):
    make_question(org, stem="党的基层组织是战斗堡垒。")
    db.session.commit()
    login(org.committee_admin)
    response = client.post("/bank/import", data={"file": (io.BytesIO((FILES / "bad.gift").read_bytes()), "bad.gift"),
                                                  "format": "gift", "category_id": 0}, content_type="multipart/form-data")
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "bank-row-error" not in preview or True
    assert 'role="alert"' in preview and "4" in preview
    assert 'name="duplicates"' not in preview  # no confirm button while there are errors
    assert client.post(response.headers["Location"], data={}).status_code == 302
    assert db.session.scalar(select(func.count(Question.id))) == 0 + 1


def test_import_xlsx_and_rejections(client, login, org, db):
    login(org.committee_admin)
    xlsx = spreadsheet.write_xlsx([], template=True)
    response = client.post("/bank/import", data={"file": (io.BytesIO(xlsx), "模板.xlsx"), "format": "auto", "category_id": 0},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.post(response.headers["Location"], data={"duplicates": "skip"}).status_code == 200
    assert db.session.scalar(select(func.count(Question.id))) == 5
    fake = client.post("/bank/import", data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "x.xlsx"), "format": "auto",
                                             "category_id": 0}, content_type="multipart/form-data")
    assert fake.status_code == 200 and 'class="error"' in fake.get_data(as_text=True)
    lying = client.post("/bank/import", data={"file": (io.BytesIO(b"abc {T}"), "x.xlsx"), "format": "xlsx",
                                              "category_id": 0}, content_type="multipart/form-data")
    assert 'class="error"' in lying.get_data(as_text=True)


def test_someone_elses_upload_token_is_404(client, login, org, db):
    login(org.committee_admin)
    response = client.post("/bank/import", data={"file": (io.BytesIO(b"x {T}"), "a.gift"), "format": "gift", "category_id": 0},
                           content_type="multipart/form-data")
    url = response.headers["Location"]
    login(org.admin_g1)
    assert client.get(url).status_code == 404


def test_templates_and_export_download(client, login, org, db):
    q = make_question(org)
    db.session.commit()
    login(org.auditor)
    xlsx = client.get("/bank/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    csv = client.get("/bank/template.csv")
    assert csv.data.startswith(b"\xef\xbb\xbf") and "题型".encode() in csv.data
    for fmt, magic in (("gift", "党的最高理想".encode()), ("moodle-xml", b"<?xml"), ("xlsx", b"PK"), ("csv", b"\xef\xbb\xbf")):
        response = client.get(f"/bank/categories/{q.category_id}/export/{fmt}")
        assert response.status_code == 200 and magic in response.data[:4000], fmt
    assert client.get(f"/bank/categories/{q.category_id}/export/exe").status_code == 404
