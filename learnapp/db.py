"""Database object, declarative base with a naming convention, shared column types and SQLite set-up."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import g, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from learnapp.sqlite_gate import GatedConnection

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """Now in UTC via the injectable clock (kept here for models' defaults)."""
    from learnapp import clock

    return clock.now()


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite stores it naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC moment is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


# How long a SQLite writer waits for the write gate, then as long again for SQLite's own lock
# (a connection record's info["busy_timeout_ms"] overrides it, e.g. in tests).
BUSY_TIMEOUT_MS = 15000


def _wants_write_lock() -> bool:
    # Requests that may write take SQLite's write lock when their transaction begins: a deferred
    # transaction that later upgrades to a writer fails with "database is locked" under load.
    if has_request_context():
        return request.method not in ("GET", "HEAD", "OPTIONS") and not g.get("db_reading_first")
    return True


@contextmanager
def reading_first():
    """Run the block's reads in a transaction of their own, ended before the request's writing one.

    For what every request reads before its view runs (the signed-in person): on SQLite a writing
    request would otherwise take the database's single write lock at that first read and hold it
    through all the per-request work, so other workers' writes wait longer. Used only at the start
    of a request (no transaction open yet; else the block simply joins it). Objects read stay
    loaded: the commit does not expire them (nothing was written).
    """
    session = db.session()
    if session.in_transaction() or db.engine.dialect.name != "sqlite":
        yield
        return
    g.db_reading_first = True
    try:
        yield
    finally:
        g.db_reading_first = False
        keep, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = keep


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event below emit BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    timeout = getattr(connection_record, "info", {}).get("busy_timeout_ms", BUSY_TIMEOUT_MS)
    cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    if not _wants_write_lock():
        conn.exec_driver_sql("BEGIN")
        return
    raw = conn.connection.dbapi_connection
    if isinstance(raw, GatedConnection):
        raw.take_gate(conn.connection.info.get("busy_timeout_ms", BUSY_TIMEOUT_MS) / 1000)
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        if isinstance(raw, GatedConnection):
            raw.release_gate()
        raise


def is_postgres() -> bool:
    """True when the bound engine is PostgreSQL (for row locks and advisory locks)."""
    return db.engine.dialect.name == "postgresql"
