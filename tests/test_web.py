"""Site-wide behaviour: security headers, CSRF, error pages in both languages, language choice."""

from __future__ import annotations

import pytest

from learnapp.db import db
from learnapp.site import services as site_services


def test_security_headers(client, org):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_in_pages(client, org, login):
    login(org.committee_admin)
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "onclick" not in html and 'style="' not in html


def test_404_page_chinese_by_default(client, org):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "找不到" in response.get_data(as_text=True) or "不存在" in response.get_data(as_text=True)


def test_404_page_in_chinese_for_an_english_browser_unless_the_committee_allows_it(client, org):
    english = {"Accept-Language": "en-US,en;q=0.9"}
    response = client.get("/no-such-page", headers=english)
    assert response.status_code == 404
    assert "Not found" not in response.get_data(as_text=True)
    site_services.set_language_policy(org.committee_admin, "zh_CN", True)
    db.session.commit()
    assert "Not found" in client.get("/no-such-page", headers=english).get_data(as_text=True)


def test_language_switch_is_remembered_for_the_person(client, org, login):
    login(org.learner_a)
    client.post("/language", data={"locale": "en", "next": "/"})
    db.session.expire_all()
    assert org.learner_a.locale == "en"
    assert "Log out" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "zh_CN", "next": "/"})
    assert "退出" in client.get("/").get_data(as_text=True)


def test_open_redirect_refused(client, org):
    response = client.post("/login?next=https://evil.example/", data={"login_id": "learner_a", "password": "secret123"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


class TestCSRF:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_post_without_token_is_refused(self, client, org):
        response = client.post("/login", data={"login_id": "learner_a", "password": "secret123"})
        assert response.status_code == 400
        # Every POST route of the site is protected: try each one without a token.
        for rule in client.application.url_map.iter_rules():
            if "POST" in rule.methods and not rule.arguments:
                assert client.post(rule.rule).status_code in (400, 302, 401), rule.rule

    def test_post_with_token_works(self, client, org):
        import re

        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(r'name="csrf-token" content="([^"]+)"', page)
        response = client.post("/login", data={"login_id": "learner_a", "password": "secret123", "csrf_token": token.group(1)})
        assert response.status_code == 302


def test_catalog_and_dates_follow_force_locale_within_a_request(app, org):
    """The request's catalog and date patterns are looked up once per language, so a block in
    another language (reminder mails use force_locale) still gets its own wording and dates."""
    from datetime import date

    from flask_babel import force_locale, gettext

    from learnapp.web import _local_date

    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        app.preprocess_request()
        chinese = (gettext("Log out"), _local_date(date(2026, 6, 15)))
        with force_locale("en"):
            assert (gettext("Log out"), _local_date(date(2026, 6, 15))) == ("Log out", "Jun 15, 2026")
        assert (gettext("Log out"), _local_date(date(2026, 6, 15))) == chinese
        assert chinese[0] == "退出登录" and "2026" in chinese[1] and chinese[1] != "Jun 15, 2026"


def test_menu_in_the_chosen_language(client, org, login):
    login(org.learner_a)
    assert "我的学时" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "en", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert "My study hours" in page and "我的学时" not in page


def test_templates_are_not_checked_for_changes_in_production(base_config):
    """Every render would stat each template file (and its parents) otherwise."""
    from learnapp import create_app

    production = create_app({**base_config, "TESTING": False, "SECRET_KEY": "a-real-secret"})
    assert production.jinja_env.auto_reload is False
    production.debug = True  # `flask run --debug` keeps reloading edited templates
    assert production.jinja_env.auto_reload is True


def test_administration_is_for_people_who_hold_a_role(app, org, monkeypatch):
    """The admin section's items are not even asked about for a person without a role (a learner's
    pages are the most visited); for someone with a role each item decides."""
    from learnapp import nav

    asked = []
    menu = nav.Menu(nav.menu_of(app).shows_admin)
    menu.add(nav.NavItem("audit.index", "everyone", lambda user: asked.append(user) or True, 1, "admin"))
    monkeypatch.setitem(app.extensions, "learnapp.nav", menu)
    with app.test_request_context("/"):
        for person in (org.learner_a, org.contact_a):
            assert nav.items_for(person, "admin") == []
        assert asked == []
        assert [item.endpoint for item in nav.items_for(org.auditor, "admin")] == ["audit.index"]
        assert asked == [org.auditor]


def test_the_administration_menu_by_role(client, org, login):
    for person, shown in ((org.learner_a, False), (org.contact_a, False), (org.admin_a, True), (org.auditor, True)):
        login(person)
        assert ('class="admin-nav"' in client.get("/").get_data(as_text=True)) is shown, person.login_id
        client.post("/logout")


def test_the_menu_reads_the_same_on_every_page(client, org, login):
    """The administration entries fold under 管理 (a <details>), and each label reads the same on
    every page: the materials admin entry is 资料管理, not a second 学习资料 beside the learners'
    entry."""
    import re

    login(org.committee_admin)
    for path in ("/", "/quizzes/", "/materials/"):
        page = client.get(path).get_data(as_text=True)
        menu = page[page.index('<nav id="site-nav"'):page.index("</nav>")]
        labels = re.findall(r"<a href=\"[^\"]+\"[^>]*>([^<]+)</a>", menu)
        assert labels.count("学习资料") == 1 and "资料管理" in labels and "测试管理" in labels, (path, labels)
        admin = menu[menu.index('<details class="admin-menu">'):menu.index("</details>")]
        assert "<summary" in admin and "管理</summary>" in admin and "审计日志" in admin
