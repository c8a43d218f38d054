"""The Alembic migrations build, from an empty database, exactly the schema the models describe."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from learnapp import create_app
from learnapp.db import db

SCHEMA = "migration_check"


@pytest.fixture
def empty_database(tmp_path):
    url = os.environ.get("LEARNAPP_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.db'}", {}
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    # The migrations run inside their own schema, so the test schema of the other tests is untouched.
    yield url, {"connect_args": {"options": f"-csearch_path={SCHEMA}"}}
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


def test_migrations_match_models(empty_database, base_config):
    url, engine_options = empty_database
    app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations differ: {differences}"
        # And the history can be walked back to empty.
        downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()


def test_year_totals_revision_backfills_and_maintains(empty_database, base_config):
    """Upgrading a database that already holds entries fills ledger_year_totals from them, and the
    triggers it creates keep counting afterwards (online and offline split as ONLINE_CATEGORIES)."""
    url, engine_options = empty_database
    app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options})
    with app.app_context():
        upgrade(revision="31953d4de1c7")
        at = "2026-01-01 00:00:00"
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO branches (id, name, kind, path, active, sort_order, created_at) "
                              "VALUES (1, '党委', 'committee', '/1/', true, 0, :at)"), {"at": at})
            for uid in (1, 2):
                conn.execute(text("INSERT INTO users (id, login_id, name, branch_id, stage, active, must_change_password, "
                                  "session_epoch, created_at) VALUES (:id, :login, '党员', 1, 'full_member', true, false, "
                                  "'e', :at)"), {"id": uid, "login": f"u{uid}", "at": at})
            rows = [(1, 2025, "online_reading", 100), (1, 2026, "lecture", 400), (1, 2026, "test_passed", 50),
                    (1, 2026, "adjustment", -30), (2, 2026, "online_video", 25)]
            for n, (uid, year, category, credit) in enumerate(rows, start=1):
                conn.execute(text("INSERT INTO ledger_entries (id, user_id, year, occurred_on, category, credit_hundredths, "
                                  "source_type, created_at) VALUES (:id, :u, :y, :d, :c, :cr, 'adjustment', :at)"),
                             {"id": n, "u": uid, "y": year, "d": f"{year}-03-01", "c": category, "cr": credit, "at": at})
        upgrade()
        with db.engine.begin() as conn:
            stored = set(conn.execute(text("SELECT user_id, year, total_hundredths, online_hundredths, "
                                           "offline_hundredths, entries FROM ledger_year_totals")).all())
            assert stored == {(1, 2025, 100, 100, 0, 1), (1, 2026, 420, 50, 370, 3), (2, 2026, 25, 25, 0, 1)}
            conn.execute(text("INSERT INTO ledger_entries (id, user_id, year, occurred_on, category, credit_hundredths, "
                              "source_type, created_at) VALUES (9, 2, 2026, '2026-04-01', 'carry_over', 200, "
                              "'carry_over', :at)"), {"at": at})
            assert conn.execute(text("SELECT total_hundredths, online_hundredths, offline_hundredths, entries "
                                     "FROM ledger_year_totals WHERE user_id = 2")).one() == (225, 25, 200, 2)
        downgrade(revision="31953d4de1c7")
        with db.engine.begin() as conn:
            assert "ledger_year_totals" not in inspect(conn).get_table_names()
            # Without the triggers, entries insert as before.
            conn.execute(text("INSERT INTO ledger_entries (id, user_id, year, occurred_on, category, credit_hundredths, "
                              "source_type, created_at) VALUES (10, 2, 2026, '2026-04-02', 'lecture', 100, "
                              "'activity', :at)"), {"at": at})
        db.engine.dispose()


def test_latest_totals_triggers_count_online_as_the_models_do():
    """The online categories frozen in the newest revision that (re)creates the totals triggers are
    the models' ONLINE_CATEGORIES: changing those needs a revision that recreates the triggers."""
    from pathlib import Path

    from alembic.script import ScriptDirectory

    from learnapp.ledger.models import ONLINE_VALUES

    script = ScriptDirectory(str(Path(__file__).resolve().parent.parent / "migrations"))
    for revision in script.walk_revisions():  # newest first
        if hasattr(revision.module, "ONLINE"):
            assert tuple(sorted(revision.module.ONLINE)) == ONLINE_VALUES, revision.revision
            return
    raise AssertionError("no revision creates the ledger_year_totals triggers")
