"""Fixtures: app, db, client, clock, factories and a login helper.

The suite runs on SQLite by default and on PostgreSQL when LEARNAPP_TEST_DATABASE_URL is set.
The schema is created once per session; each test starts from empty tables.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from flask_migrate import stamp
from sqlalchemy import text

from learnapp import create_app
from learnapp.clock import FrozenClock
from learnapp.db import db as _db
from learnapp.development import stored as development_stored
from tests.helpers import factories
from tests.helpers.client import FreshRequestClient

# 10:00 in Shanghai on a weekday in the middle of the 2026 training year.
DEFAULT_NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("LEARNAPP_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def base_config(database_url, tmp_path_factory) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "AUDIT_HMAC_KEY": "test-audit-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        "SERVER_NAME": "localhost",
    }


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs():
    """Compile the translation catalogs so a plain `pytest` sees the current Chinese strings."""
    from learnapp.i18n_catalogs import compile_all

    compile_all()


@pytest.fixture(scope="session")
def _schema(base_config):
    app = create_app(base_config)
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            # Start from an empty schema: tables of an older model version must not linger.
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            _db.drop_all()
        _db.create_all()
        # The schema of the models is the newest migration's: noted as `flask db upgrade` would,
        # so /healthz finds the database current.
        stamp(directory=app.extensions["migrate"].directory)
    yield
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _empty_tables() -> None:
    tables = list(reversed(_db.metadata.sorted_tables))
    if _db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        _db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            _db.session.execute(table.delete())
        _db.session.execute(text("DELETE FROM sqlite_sequence")) if _has_sqlite_sequence() else None
    _db.session.commit()


def _has_sqlite_sequence() -> bool:
    return bool(_db.session.execute(text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first())


@pytest.fixture
def app_config(base_config) -> dict:
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(_schema, base_config, app_config):
    app = create_app({**base_config, **app_config})
    app.test_client_class = FreshRequestClient
    with app.app_context():
        _empty_tables()
        # As after `flask development rules load` on a new site: the stored findings are built (empty),
        # so the reports read them (development/stored.py); a test that wants the full check deletes the state.
        development_stored.rebuild()
        _db.session.commit()
        yield app
        _db.session.rollback()
        _db.session.remove()


@pytest.fixture
def clock(app) -> FrozenClock:
    frozen = FrozenClock(DEFAULT_NOW)
    app.extensions["learnapp.clock"] = frozen
    return frozen


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app, clock):
    return app.test_client()


@pytest.fixture
def org(app, clock) -> factories.Org:
    """A committee with two general branches and three branches, one admin per role."""
    return factories.make_org()


@pytest.fixture
def login(client):
    def do_login(user, password: str = factories.PASSWORD):
        client.post("/logout")
        response = client.post("/login", data={"login_id": user.login_id, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do_login


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium through Playwright, one for the whole session: the sync API allows one
    running Playwright per thread, and both the browser journeys and the deployment test use it."""
    from playwright.sync_api import sync_playwright

    from tests.helpers.browser.chromium import CHROMIUM, CHROMIUM_ARGS, chromium_env

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
                                             env=chromium_env())
        yield browser
        browser.close()
