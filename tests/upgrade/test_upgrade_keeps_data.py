"""Upgrading a database of the first released schema, filled by that release's demo, to today's
head keeps every row, and the year totals and the audit chain still verify. Every future
migration runs through this test (on SQLite and on PostgreSQL in CI).

The fixture (fixtures/plan_d4p7q2.json) is made by `python -m tests.helpers.upgrade_fixture` from the
release's own code; the test migrates an empty database to that revision, loads the rows, then
runs `flask db upgrade`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, insert, inspect, text
from sqlalchemy.engine import make_url

from learnapp import create_app
from learnapp.db import db
from tests.helpers.upgrade_fixture import FIXTURE, PINNED_REVISION
from tests.helpers.upgrade_rows import from_json, read_all

TRIGGER_KEPT = "ledger_year_totals"  # kept by triggers on ledger_entries


@pytest.fixture(scope="module")
def fixture_data() -> dict:
    return json.loads(Path(FIXTURE).read_text(encoding="utf-8"))


@pytest.fixture
def empty_database(tmp_path, base_config):
    url = base_config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'upgrade.db'}"
        return
    import psycopg

    from learnapp.ops.snapshot import libpq_url

    parsed = make_url(url)
    name = f"{parsed.database}_upgrade"
    admin = libpq_url(parsed.set(database="postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield parsed.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _load(tables: dict[str, list[dict]]) -> None:
    """The fixture's rows into the database at the pinned revision, ids as they were."""
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.connect() as connection:
        if postgres:
            # Foreign keys and triggers off while loading (rows come in table order, cycles included);
            # the year totals are then the fixture's own.
            connection.execute(text("SET session_replication_role = replica"))
        else:
            connection.exec_driver_sql("COMMIT")
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        metadata = MetaData()
        metadata.reflect(bind=connection)
        for name, rows in tables.items():
            if not rows or (name == TRIGGER_KEPT and not postgres):
                continue  # SQLite's triggers rebuild the year totals from the ledger lines as they load
            table = metadata.tables[name]
            values = [{k: (v if isinstance(v, (dict, list)) and not _tagged(v) else from_json(v)) for k, v in row.items()}
                      for row in rows]
            connection.execute(insert(table), values)
        if postgres:
            for table in metadata.tables.values():
                if "id" in table.columns:
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f"coalesce((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false) "
                        f"WHERE pg_get_serial_sequence('\"{table.name}\"', 'id') IS NOT NULL"))
            connection.execute(text("SET session_replication_role = DEFAULT"))
        connection.commit()
        if not postgres:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def _tagged(value) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith("$")


def test_upgrade_from_the_first_release_keeps_every_row(fixture_data, empty_database, base_config):
    assert fixture_data["revision"] == PINNED_REVISION
    app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": empty_database,
                      "AUDIT_HMAC_KEY": fixture_data["audit_hmac_key"]})
    tables = fixture_data["tables"]
    with app.app_context():
        upgrade(revision=PINNED_REVISION)
        _load(tables)
        db.session.remove()
        upgrade()  # to today's head
        with db.engine.connect() as connection:
            after = read_all(connection, skip={"alembic_version"})
            columns = {name: {c["name"] for c in inspect(connection).get_columns(name)} for name in after}
        lost = []
        for name, rows in tables.items():
            assert name in after, f"table {name} is gone after the upgrade"
            if not rows:
                continue
            shared = set(rows[0]) & columns[name]  # a column dropped since is not compared
            kept = {json.dumps({k: row[k] for k in shared}, sort_keys=True) for row in after[name]}
            for row in rows:
                if json.dumps({k: row[k] for k in shared}, sort_keys=True) not in kept:
                    lost.append(f"{name}: {row}")
        assert not lost, f"{len(lost)} rows lost or changed by the upgrade, e.g. {lost[:3]}"
        runner = app.test_cli_runner()
        totals = runner.invoke(args=["ledger", "verify-totals"])
        assert totals.exit_code == 0, totals.output
        chain = runner.invoke(args=["audit", "verify"])
        assert chain.exit_code == 0, chain.output
        db.session.remove()
        db.engine.dispose()
