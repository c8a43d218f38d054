"""A consistent copy of the database and the facts of that same copy (row counts, year totals).

PostgreSQL: a REPEATABLE READ transaction exports its snapshot; `pg_dump --snapshot` dumps
exactly it and the facts are counted in it, so the manifest describes the dump even while
requests write. SQLite: the online backup API copies the database in one step under a read lock
(WAL: writers go on meanwhile); the facts are counted in the copy.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from learnapp.db import db

Query = Callable[[str], list[tuple]]


class SnapshotError(RuntimeError):
    """pg_dump / pg_restore failed, or the database is of a kind this cannot copy."""


def facts(query: Query, tables: list[str]) -> dict:
    """Row counts of every table and the year totals, read through `query` (one snapshot)."""
    counts = {name: int(query(f'SELECT count(*) FROM "{name}"')[0][0]) for name in sorted(tables)}
    totals = {}
    if "ledger_year_totals" in tables:
        for year, people, total, online, offline, entries in query(
                "SELECT year, count(*), sum(total_hundredths), sum(online_hundredths), sum(offline_hundredths), "
                "sum(entries) FROM ledger_year_totals GROUP BY year ORDER BY year"):
            totals[str(year)] = {"people": int(people), "total_hundredths": int(total), "online_hundredths": int(online),
                                 "offline_hundredths": int(offline), "entries": int(entries)}
    return {"row_counts": counts, "year_totals": totals}


def current_facts() -> dict:
    """The same facts of the site's database as it is now."""
    with db.engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        result = facts(lambda sql: [tuple(r) for r in connection.execute(text(sql))], tables)
        connection.rollback()
    return result


def libpq_url(url: URL) -> str:
    """postgresql+psycopg://… as the postgresql://… that pg_dump and pg_restore take."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_env() -> dict[str, str]:
    # Quiet, and never prompting for a password a timer could not type.
    return {**os.environ, "PGCONNECT_TIMEOUT": "10"}


def dump_postgres(target: Path) -> dict:
    """pg_dump (custom format) of the site's database into `target`; the facts of the same snapshot."""
    url = make_url(str(db.engine.url.render_as_string(hide_password=False)))
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar()
        tables = [r[0] for r in connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))]
        result = facts(lambda sql: [tuple(r) for r in connection.execute(text(sql))], tables)
        done = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                               f"--file={target}", f"--dbname={libpq_url(url)}"],
                              env=_pg_env(), capture_output=True, text=True)
        connection.rollback()
    if done.returncode != 0:
        raise SnapshotError(f"pg_dump failed: {done.stderr.strip()}")
    return result


def sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise SnapshotError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _sqlite_query(connection: sqlite3.Connection) -> Query:
    return lambda sql: connection.execute(sql).fetchall()


def dump_sqlite(target: Path) -> dict:
    """The online backup API's copy of the site's SQLite database in `target`; the copy's facts."""
    source = sqlite3.connect(sqlite_path(), timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # one step: a consistent copy while writers go on (WAL)
            copy.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
            tables = [r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                 "AND name NOT LIKE 'sqlite_%'")]
            return facts(_sqlite_query(copy), tables)
        finally:
            copy.close()
    finally:
        source.close()


def database_is_empty() -> bool:
    """True when the site's database holds no table (a fresh database to restore into)."""
    with db.engine.connect() as connection:
        return not inspect(connection).get_table_names()


def restore_postgres(dump: Path, *, clean: bool) -> None:
    """pg_restore the dump into the site's database (`clean`: drop the schema's contents first)."""
    url = make_url(str(db.engine.url.render_as_string(hide_password=False)))
    db.session.remove()
    db.engine.dispose()
    if clean:
        with db.engine.begin() as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar()
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        db.engine.dispose()
    done = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                           f"--dbname={libpq_url(url)}", str(dump)], env=_pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SnapshotError(f"pg_restore failed: {done.stderr.strip()}")


def restore_sqlite(copy: Path) -> None:
    """Replace the site's SQLite database by the copy, through the backup API (as one write)."""
    db.session.remove()
    db.engine.dispose()
    path = sqlite_path()
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    source = sqlite3.connect(copy)
    try:
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
