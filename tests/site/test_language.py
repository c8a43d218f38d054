"""The site language is the committee's setting (Chinese by default); a signed-in person's own
choice is kept on their account; a browser's language counts only for anonymous visitors and only
when the committee allows it. Changes are audited; only the committee admin makes them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.site import services
from tests.helpers.query_counter import statements_of_get

ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


def test_chinese_by_default_even_for_an_english_browser(client, org, login):
    assert 'lang="zh-CN"' in client.get("/login", headers=ENGLISH).get_data(as_text=True)
    login(org.learner_a)
    page = client.get("/", headers=ENGLISH).get_data(as_text=True)
    assert "退出登录" in page or "退出" in page


def test_the_committee_sets_english_and_the_persons_choice_wins(client, org, login):
    services.set_language_policy(org.committee_admin, "en", False)
    db.session.commit()
    login(org.learner_a)
    assert "Log out" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "zh_CN", "next": "/"})
    db.session.expire_all()
    assert org.learner_a.locale == "zh_CN"
    assert "Log out" not in client.get("/").get_data(as_text=True)


def test_an_anonymous_choice_on_the_switch_counts(client, org):
    client.post("/language", data={"locale": "en", "next": "/login"})
    assert 'lang="en"' in client.get("/login").get_data(as_text=True)


def test_only_the_committee_admin_changes_it_and_it_is_audited(client, org, login):
    with pytest.raises(DomainError):
        services.set_language_policy(org.admin_a, "en", True)
    login(org.admin_a)
    assert client.get("/settings/language").status_code == 403
    login(org.committee_admin)
    page = client.get("/settings/language").get_data(as_text=True)
    assert 'value="zh_CN" checked' in page or "checked" in page
    response = client.post("/settings/language", data={"language": "zh_CN", "browser_language": "y"})
    assert response.status_code == 302
    assert services.browser_language_allowed() is True
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "site.language"))
    assert entry is not None and entry.actor_id == org.committee_admin.id
    client.post("/logout")
    assert 'lang="en"' in client.get("/login", headers=ENGLISH).get_data(as_text=True)


def test_the_site_language_costs_a_signed_in_page_no_statement(client, org, login):
    login(org.learner_a)
    counted = statements_of_get(client, "/")
    assert not [s for s in counted.statements if "site_settings" in s and "users" not in s], counted.report()
