"""The revision creating the development tables turns the stage history into steps (both databases)."""

from __future__ import annotations

import os

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from learnapp import create_app
from learnapp.db import db

SCHEMA = "development_migration_check"
REVISION = "dev1_a7c3e9"


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
    yield url, {"connect_args": {"options": f"-csearch_path={SCHEMA}"}}
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


def test_stage_changes_become_steps_in_the_migration(empty_database, base_config):
    url, engine_options = empty_database
    app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options})
    with app.app_context():
        upgrade(revision="9ad6d85ac934")
        at = "2024-01-01 00:00:00"
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO branches (id, name, kind, path, active, sort_order, created_at) "
                              "VALUES (1, '党委', 'committee', '/1/', true, 0, :at)"), {"at": at})
            for uid, stage in ((1, "probationary_member"), (2, "full_member"), (3, "activist")):
                conn.execute(text("INSERT INTO users (id, login_id, name, branch_id, stage, active, must_change_password, "
                                  "session_epoch, created_at) VALUES (:id, :login, '同志', 1, :stage, true, false, 'e', :at)"),
                             {"id": uid, "login": f"u{uid}", "stage": stage, "at": at})
            changes = [(1, 1, "applicant", "2022-01-05"), (2, 1, "activist", "2022-06-01"),
                       (3, 1, "development_target", "2023-07-01"), (4, 1, "probationary_member", "2023-12-01"),
                       (5, 2, "full_member", "2005-07-01")]
            for cid, uid, stage, day in changes:
                conn.execute(text("INSERT INTO stage_changes (id, user_id, stage, effective_on, recorded_by_id, "
                                  "recorded_at, note) VALUES (:id, :u, :s, :d, 2, :at, '旧')"),
                             {"id": cid, "u": uid, "s": stage, "d": day, "at": at})
        upgrade(revision=REVISION)
        with db.engine.begin() as conn:
            rows = conn.execute(text("SELECT user_id, code, done_on, status, source, note, recorded_by_id, decided_by_id "
                                     "FROM development_steps ORDER BY user_id, id")).all()
            data = conn.execute(text("SELECT data FROM development_steps ORDER BY user_id, id")).scalars().all()
        steps = [(r[0], r[1], str(r[2]), r[3], r[4]) for r in rows]
        assert steps == [
            (1, "application", "2022-01-05", "recorded", "migration"),
            (1, "activist_determined", "2022-06-01", "recorded", "migration"),
            (1, "target_determined", "2023-07-01", "recorded", "migration"),
            (1, "branch_meeting_admission", "2023-12-01", "recorded", "migration"),
            (1, "committee_approval_admission", "2023-12-01", "accepted", "migration"),
            (2, "committee_approval_full", "2005-07-01", "accepted", "migration"),
            (3, "activist_determined", "2024-01-01", "recorded", "migration"),  # no history: the stage field
        ]
        assert all(r[5] == "旧" and r[6] == 2 for r in rows[:6])
        assert rows[4][7] == 2 and rows[3][7] is None  # the committee's step: decided by who recorded it
        assert '"stage_change_id": 4' in str(data[4]) or (isinstance(data[4], dict) and data[4]["stage_change_id"] == 4)
        downgrade(revision="9ad6d85ac934")
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM stage_changes")).scalar() == 5  # nothing lost
        db.engine.dispose()
