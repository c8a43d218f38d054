"""Roles × pages: who gets in, who gets 403/404, and every endpoint is listed somewhere."""

from __future__ import annotations

import importlib

import pytest

from tests.helpers import factories
from tests.helpers.matrix import ROLES, domain_modules

# Endpoints that need no permission entry: static files and the public pages listed here.
UNLISTED_OK = {"static"}


def _page_ids() -> list[str]:
    return [m.__name__ for m in domain_modules()]


@pytest.mark.parametrize("module_name", _page_ids())
@pytest.mark.parametrize("role", ROLES)
def test_matrix(module_name, role, app, client, clock, login, db):
    org = factories.make_org()
    module = importlib.import_module(module_name)
    pages = module.pages(org)
    db.session.commit()
    user = org.roles[role]
    failures = []
    for page in pages:
        client.post("/logout")
        with client.session_transaction() as session:
            session.clear()
        if user is not None:
            login(user)
        url = page.url() if callable(page.url) else page.url
        response = client.open(url, method=page.method, data=page.data)
        status = response.status_code
        if role in page.allowed:
            ok = status < 400 or status in (400, 422)
        elif role == "anonymous":
            ok = status in (302, 401) and "/login" in response.headers.get("Location", "/login")
        else:
            ok = status in (403, 404)
        if not ok:
            failures.append(f"{page.id} {url}: {role} got {status}")
        # As a server does: a body sent from a file (the 台账 exports) is closed now.
        response.close()
        db.session.rollback()
    assert not failures, "\n".join(failures)


def test_every_endpoint_is_in_the_matrix(app, clock):
    """A new page cannot slip in without its row in the permission matrix."""
    org = factories.make_org()
    listed = set()
    for module in domain_modules():
        listed.update(page.endpoint for page in module.pages(org))
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - UNLISTED_OK
    missing = sorted(endpoints - listed)
    assert not missing, "endpoints without a permission-matrix entry: " + ", ".join(missing)
