"""Roster import page: problems table, result with one-time passwords, downloads."""

from __future__ import annotations

import base64
import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from learnapp.accounts.models import User
from learnapp.accounts.roster_files import XLSX_MIMETYPE
from tests.helpers.roster_files import csv_bytes, xlsx_bytes

ROWS = [["张三", "1001", "甲支部", "入党积极分子", "13800138000", ""], ["李四", "1002", "甲支部", "入党申请人", "", ""]]


def _upload(client, data: bytes, filename: str, **extra):
    return client.post("/people/import", data={"file": (io.BytesIO(data), filename), **extra},
                       content_type="multipart/form-data")


def test_problems_are_listed_with_rows_and_nothing_is_imported(client, org, login, db):
    login(org.admin_a)
    before = db.session.scalar(select(func.count(User.id)))
    response = _upload(client, csv_bytes([*ROWS, ["", "1003", "丙支部", "x", "1", ""]], encoding="gbk"), "gbk.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<td class="num">4</td>' in page and "丙支部" in page
    assert db.session.scalar(select(func.count(User.id))) == before


def _saved_workbook(page: str):
    href = page.split('download="')[0].rsplit('href="', 1)[1].split('"')[0]
    prefix = f"data:{XLSX_MIMETYPE};base64,"
    assert href.startswith(prefix)
    return load_workbook(io.BytesIO(base64.b64decode(href.removeprefix(prefix))))


def test_success_shows_passwords_once_and_offers_them_as_xlsx(client, org, login, db):
    login(org.admin_a)
    response = _upload(client, xlsx_bytes(ROWS), "roster.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "1001" in page and "1002" in page
    rows = list(_saved_workbook(page).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["1001", "1002"]
    assert all(len(r[3]) >= 12 for r in rows[1:])
    # Nowhere else: not in the session, not in a field the browser would send back, not stored
    # readable; the one who got it signs in with it and must choose their own.
    with client.session_transaction() as session:
        assert not any(rows[1][3] in str(v) for v in session.values())
    assert 'type="hidden" name="token"' not in page
    person = db.session.scalar(select(User).where(User.login_id == "1001"))
    assert rows[1][3] not in person.password_hash and person.must_change_password
    client.post("/logout")
    assert client.post("/login", data={"login_id": "1001", "password": rows[1][3]}).status_code == 302
    assert client.get("/").headers["Location"].endswith("/account/password")


def test_no_route_hands_out_the_passwords_later(client, org, login, app):
    login(org.admin_a)
    _upload(client, xlsx_bytes(ROWS), "roster.xlsx")
    assert not [rule.rule for rule in app.url_map.iter_rules() if "password" in rule.rule and rule.rule.startswith("/people/import")]
    assert client.post("/people/import/passwords.xlsx", data={"token": "x"}).status_code in (404, 405)


def test_templates_download_and_import_back(client, org, login, db):
    login(org.admin_g1)
    xlsx = client.get("/people/import/template.xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.data))
    assert [c.value for c in workbook.worksheets[0][1]] == ["姓名", "工号", "支部", "阶段", "手机", "邮箱"]
    branches = [r[0] for r in workbook["支部"].iter_rows(min_row=2, values_only=True)]
    assert "第一党总支/甲支部" in branches and not any("丙支部" in b for b in branches)
    sheet = workbook.worksheets[0]
    sheet.append(["王五", "2001", "第一党总支/乙支部", "发展对象", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _upload(client, buffer.getvalue(), "filled.xlsx").status_code == 200
    csv = client.get("/people/import/template.csv")
    assert csv.data.startswith(b"\xef\xbb\xbf") and '"姓名","工号"'.encode() in csv.data
    filled = csv.data + "赵六,2002,甲支部,入党申请人,,\r\n".encode()
    assert _upload(client, filled, "filled.csv").status_code == 200
    assert db.session.scalar(select(func.count(User.id)).where(User.login_id.in_(["2001", "2002"]))) == 2


def test_wrong_extension_is_refused_on_the_field(client, org, login):
    login(org.admin_a)
    response = _upload(client, b"hello", "roster.pdf")
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)


def test_update_existing_from_the_page(client, org, login, db):
    login(org.admin_a)
    rows = [["新名字", "learner_a", "甲支部", "入党积极分子", "", ""]]
    assert _upload(client, csv_bytes(rows), "u.csv").status_code == 422
    response = _upload(client, csv_bytes(rows), "u.csv", update_existing="y")
    assert response.status_code == 200
    assert db.session.get(User, org.learner_a.id).name == "新名字"
