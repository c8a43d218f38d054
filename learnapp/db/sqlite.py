"""SQLite specifics: the connection's pragmas, BEGIN and BEGIN IMMEDIATE through the write gate
(learnapp/sqlite_gate.py), the busy timeout. Which kind of BEGIN a transaction gets is decided by
the request's transaction mode (learnapp/db/requests.py)."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

from learnapp.db.base import db
from learnapp.sqlite_gate import GatedConnection

# How long a SQLite writer waits for the write gate, then as long again for SQLite's own lock
# (a connection record's info["busy_timeout_ms"] overrides it, e.g. in tests).
BUSY_TIMEOUT_MS = 15000


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event (learnapp/db/requests.py) emit BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    timeout = getattr(connection_record, "info", {}).get("busy_timeout_ms", BUSY_TIMEOUT_MS)
    cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
    cursor.close()


def begin(conn, write: bool) -> None:
    """BEGIN on the connection's sqlite3 connection: IMMEDIATE, after the write gate, when the
    transaction may write (a deferred transaction that later upgrades to a writer fails with
    "database is locked" under load). Sent to the driver directly: nothing here needs SQLAlchemy's
    statement machinery, which costs more than the BEGIN itself."""
    raw = conn.connection.dbapi_connection
    if not write:
        raw.execute("BEGIN")
        return
    if isinstance(raw, GatedConnection):
        raw.take_gate(conn.connection.info.get("busy_timeout_ms", BUSY_TIMEOUT_MS) / 1000)
    try:
        raw.execute("BEGIN IMMEDIATE")
    except BaseException:
        if isinstance(raw, GatedConnection):
            raw.release_gate()
        raise


def holds_write_lock(session) -> bool:
    """SQLite: the session's open transaction holds the database's write lock (it began with
    BEGIN IMMEDIATE, through the write gate, which it keeps until COMMIT or ROLLBACK)."""
    if not session.in_transaction() or db.engine.dialect.name != "sqlite":
        return False
    return bool(getattr(session.connection().connection.dbapi_connection, "_gate_held", False))
