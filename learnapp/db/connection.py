"""How the request's transaction begins on its connection, by its mode (learnapp/db/requests.py):
SQLite's BEGIN after the reads that may come before it, PostgreSQL's autocommit for `hot_read` and
`compare_and_set`. The engine's listeners here also note the request's writes for its owner."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from learnapp.db import sqlite
from learnapp.db.base import db
from learnapp.db.requests import SEPARATE_WRITER, Mode, current


@contextmanager
def reads_before_transaction():
    """Run the block's reads before the request's transaction begins, on the same connection.

    For what every request reads before its view runs (the signed-in person), so that on SQLite a
    writer does not hold the single write lock through all the per-request work: the block's
    statements run in autocommit mode and the request's BEGIN (IMMEDIATE for a writer) is sent
    right before its next statement on the same connection (no COMMIT, check-in and check-out,
    which cost more than the person's query). On PostgreSQL, in the `hot_read` and
    `compare_and_set` modes, the connection is put in autocommit mode here. Objects read stay
    loaded. Inside a transaction already begun the block simply joins it."""
    state = current()
    session = db.session()
    if state is None or session.in_transaction():
        yield
        return
    if db.engine.dialect.name != "sqlite":
        if state.mode.autocommit:
            raw = session.connection().connection.dbapi_connection
            raw.autocommit = True
            state.autocommit_connection = raw
        yield
        return
    state.person_read = True
    try:
        yield
    finally:
        state.person_read = False
    if session.in_transaction():  # the block read something: its connection has no BEGIN yet
        state.begin_pending = session.connection().connection.dbapi_connection


def open_request_connection() -> None:
    """Open the request's connection as `reads_before_transaction()` leaves it after the signed-in
    person's statement, for a request whose first statement is its view's own read instead (a view
    that checks the sign-in itself, accounts.sessions.checks_sign_in_itself)."""
    with reads_before_transaction():
        db.session.connection()


def transaction_from_here() -> None:
    """PostgreSQL, `hot_read`/`compare_and_set`: the request's statements from here on run in one
    transaction (committed at the boundary). Before the first of several writes that must commit
    together; otherwise (and in every other mode) they do already."""
    state = current()
    raw = state.autocommit_connection if state is not None else None
    if raw is not None:
        state.autocommit_connection = None
        if raw.autocommit:  # False: the connection went back to the pool (a rollback)
            raw.autocommit = False


@contextmanager
def reads_before_write_lock():
    """`compare_and_set` on SQLite: the block's reads run before the request's write transaction
    begins (the BEGIN IMMEDIATE that `reads_before_transaction()` left pending waits for the
    block's first statement that is not a SELECT), so the single write lock is held for the
    block's writes only. Yields True when that is so, else False (PostgreSQL, another mode, or a
    transaction already begun: the block runs as it would without this). The declaration is the
    promise this needs: the first write is a compare-and-set (UPDATE … WHERE <what was read is
    unchanged>) and, when it changes no row, the view runs again after a rollback, under the lock."""
    state = current()
    if state is None or state.mode is not Mode.COMPARE_AND_SET or state.begin_pending is None:
        yield False
        return
    state.reads_unlocked = True
    try:
        yield True
    finally:
        state.reads_unlocked = False


def _separate(conn) -> bool:
    return bool(conn.get_execution_options().get(SEPARATE_WRITER))


def _selects(context) -> bool:
    compiled = getattr(context, "compiled", None)
    return compiled is not None and bool(getattr(compiled.statement, "is_select", False))


@event.listens_for(Engine, "before_cursor_execute")
def _before_statement(conn, cursor, statement, parameters, context, executemany):
    """Notes the request's writes, and sends the BEGIN that `reads_before_transaction()` left for
    the request's next statement on its connection (inside `reads_before_write_lock()`: its next
    statement that is not a SELECT)."""
    state = current()
    if state is None:
        return
    if context is not None and context.is_crud and not _separate(conn):
        state.wrote = True
    pending = state.begin_pending
    if pending is not None and pending is conn.connection.dbapi_connection:
        if state.reads_unlocked and _selects(context):
            return
        state.begin_pending = None
        sqlite.begin(conn, state.takes_write_lock)


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _transaction_ended(conn):
    state = current()
    if state is not None and not _separate(conn):
        state.wrote = False


@event.listens_for(Engine, "begin")
def _on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    if _separate(conn):
        # Not the request's connection: leave its pending BEGIN alone, and take the write lock.
        sqlite.begin(conn, write=True)
        return
    state = current()
    if state is None:
        sqlite.begin(conn, write=True)
        return
    if state.person_read:
        return  # autocommit reads; the BEGIN follows the block (reads_before_transaction)
    state.begin_pending = None  # a new transaction: what reads_before_transaction left is past
    sqlite.begin(conn, state.takes_write_lock)


@event.listens_for(Pool, "checkin")
def _transactions_again(dbapi_connection, connection_record):
    """A connection goes back to the pool in the usual mode, one transaction per unit of work,
    whatever a request did with it (autocommit); one that cannot is discarded."""
    if dbapi_connection is None or isinstance(dbapi_connection, sqlite3.Connection):
        return
    if getattr(dbapi_connection, "autocommit", False) is True:
        try:
            dbapi_connection.autocommit = False
        except Exception as exc:  # a broken connection: never hand it out again
            connection_record.invalidate(exc)
