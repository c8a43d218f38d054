"""The request's transaction: how it begins (SQLite's write lock, PostgreSQL's autocommit for the
hottest views) and how a GET that only read ends."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from learnapp.db import sqlite
from learnapp.db.base import db


def _wants_write_lock() -> bool:
    # Requests that may write take SQLite's write lock when their transaction begins: a deferred
    # transaction that later upgrades to a writer fails with "database is locked" under load.
    if has_request_context():
        if request.method not in ("GET", "HEAD", "OPTIONS") or g.get("db_write_lock"):
            return True
        view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
        return bool(getattr(view, "learnapp_writes", False))
    return True


def writes_on_get(view):
    """Mark a GET view that writes as it reads (a page whose every read is audited, such as the
    political review dossier): its transaction takes the write lock from the start, as a POST's does."""
    view.learnapp_writes = True
    return view


@contextmanager
def write_after_reads():
    """End the request's transaction (a GET's reads) and run the block in a new one that takes the
    write lock from its start (SQLite: BEGIN IMMEDIATE), committed when the block ends.

    For a GET that writes one small thing after its reads, such as the audit entry of an export:
    a GET's transaction does not take SQLite's write lock, and one that later writes fails with
    "database is locked" when another writer came first. The reads are not held under the lock."""
    db.session.commit()
    g.db_write_lock = True
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        g.db_write_lock = False


@contextmanager
def reading_first():
    """Run the block's reads before the request's transaction begins, on the same connection.

    For what every request reads before its view runs (the signed-in person): on SQLite a writing
    request would otherwise take the database's single write lock at that first read and hold it
    through all the per-request work, so other workers' writes wait longer. On SQLite the block's
    statements run in autocommit mode (no BEGIN: each read is its own snapshot, see
    `_sqlite_on_begin`), and when the block ends the request's transaction is opened on the same
    connection, BEGIN IMMEDIATE for a writing request. Ending a read transaction with a COMMIT
    instead and starting another (returning the connection to the pool and checking it out again)
    costs more than the person's query itself. Objects read stay loaded. Used only at the start
    of a request (no transaction open yet; else the block simply joins it). The BEGIN itself is
    sent right before the request's next statement (`_begin_when_needed`): a writer takes the
    write lock at its first statement, as it would without this block, not for the Python work
    between the block and the view's first query.
    """
    session = db.session()
    if session.in_transaction():
        yield
        return
    if db.engine.dialect.name != "sqlite":
        _autocommit_if_the_view_asks(session)
        yield
        return
    g.db_reading_first = True
    try:
        yield
    finally:
        g.db_reading_first = False
    if session.in_transaction():  # the block read something: its connection has no BEGIN yet
        g.db_begin_pending = session.connection().connection.dbapi_connection


def open_reading_first() -> None:
    """Open the request's connection as `reading_first()` leaves it after the signed-in person's
    statement, for a request whose first statement is its view's own read instead (a view that
    checks the sign-in itself, accounts.sessions.checks_sign_in_itself)."""
    with reading_first():
        db.session.connection()


def autocommit_until_needed(view):
    """Mark a view whose request runs on PostgreSQL without a transaction until it calls
    `transaction_needed()`: each statement before that commits on its own.

    For the hottest requests, where BEGIN and COMMIT are a third of the round trips: a hot path
    whose usual work is reads and then one write that is atomic by itself (the heartbeat: one
    statement that is a compare-and-set on the session and the progress UPDATE), and the most
    visited pages, which only read. The view must call `transaction_needed()` before the first of
    several writes that must commit together; a page that only reads never does. Reads without
    locks see the same either way: under READ COMMITTED, PostgreSQL's level, each statement of a
    transaction reads its own snapshot. Not for a view that locks rows or streams through a
    server-side cursor (both need a transaction). SQLite: no effect (its reads come before the
    write lock by `reading_first` and `reads_before_write_lock`)."""
    view.learnapp_autocommit = True
    return view


def _autocommit_if_the_view_asks(session) -> None:
    if not has_request_context() or not request.endpoint:
        return
    if getattr(current_app.view_functions.get(request.endpoint), "learnapp_autocommit", False):
        raw = session.connection().connection.dbapi_connection
        raw.autocommit = True
        g.db_autocommit = raw


def transaction_needed() -> None:
    """The request's statements from here on run in one transaction (see autocommit_until_needed;
    otherwise they do already)."""
    raw = g.pop("db_autocommit", None) if has_request_context() else None
    if raw is not None and raw.autocommit:  # False: the connection went back to the pool (a rollback)
        raw.autocommit = False


@event.listens_for(Pool, "checkin")
def _transactions_again(dbapi_connection, connection_record):
    """A connection goes back to the pool in the usual mode, one transaction per unit of work,
    whatever a request did with it (autocommit_until_needed); one that cannot is discarded."""
    if dbapi_connection is None or isinstance(dbapi_connection, sqlite3.Connection):
        return
    if getattr(dbapi_connection, "autocommit", False) is True:
        try:
            dbapi_connection.autocommit = False
        except Exception as exc:  # a broken connection: never hand it out again
            connection_record.invalidate(exc)


def init_request_hooks(app) -> None:
    """Request hooks of the database layer (after `db.init_app`)."""

    @app.teardown_request
    def _end_reading_request(exc):
        """End a successful GET's transaction with COMMIT, not the ROLLBACK that closing the
        session would send. psycopg forgets every prepared statement of a connection when it sees
        a ROLLBACK (psycopg/_preparing.py), so a ROLLBACK at the end of each page would have
        PostgreSQL plan each of the page's statements afresh on every request: planning the
        signed-in person's join alone costs more than running it. A transaction that only read
        ends the same way either way. Only when nothing is pending: a GET never writes, and if
        one ever left changes behind, they are rolled back as before, not saved."""
        if exc is not None or request.method not in ("GET", "HEAD") or not db.session.registry.has():
            return
        session = db.session()
        if session.in_transaction() and not (session.new or session.dirty or session.deleted):
            session.commit()


@contextmanager
def reads_before_write_lock():
    """Let the block's reads run before the request's write transaction begins (SQLite): the
    BEGIN that `reading_first()` left pending waits for the block's first statement that is not a
    SELECT, so the database's single write lock is held for the block's writes only, not for its
    reads and the Python work between them.

    Yields True when that is so (SQLite, and the request's transaction not begun yet), else False
    (PostgreSQL, or a transaction already open: then the block runs as it would without this).
    Only for code that can tell when its reads went stale: its first write must be a
    compare-and-set (an UPDATE … WHERE <what was read is unchanged>) and, when that changes no
    row, the code runs again from the start after a rollback, in a plain transaction (all under
    the lock). A block that only reads never takes the write lock at all."""
    unlocked = has_request_context() and g.get("db_begin_pending") is not None
    if not unlocked:
        yield False
        return
    g.db_reads_unlocked = True
    try:
        yield True
    finally:
        g.db_reads_unlocked = False


def _is_read(statement: str) -> bool:
    return statement.lstrip()[:6].upper() == "SELECT"


@event.listens_for(Engine, "before_cursor_execute")
def _begin_when_needed(conn, cursor, statement, parameters, context, executemany):
    """The BEGIN that reading_first() left for the request's next statement on its connection
    (inside `reads_before_write_lock()`: its next write)."""
    if has_request_context():
        pending = g.get("db_begin_pending")
        if pending is not None and pending is conn.connection.dbapi_connection:
            if g.get("db_reads_unlocked") and _is_read(statement):
                return
            g.db_begin_pending = None
            sqlite.begin(conn, _wants_write_lock())


@contextmanager
def separate_write_session():
    """A session on a connection of its own, whose transaction may write, for a record that must
    be kept whatever becomes of the request's own transaction and that a GET must make (the audit
    entry of a confidential read: audit.record_read). The caller commits; leaving the block closes
    it (rolling back what was not committed). Not inside a request that holds the write lock
    itself (a POST on SQLite would wait for its own lock): use the request's session there."""
    from sqlalchemy.orm import Session

    with db.engine.connect().execution_options(learnapp_separate_writer=True) as connection:
        with Session(bind=connection) as session:
            yield session


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    if conn.get_execution_options().get("learnapp_separate_writer"):
        # Not the request's connection: leave its pending BEGIN alone, and take the write lock.
        sqlite.begin(conn, write=True)
        return
    if has_request_context():
        if g.get("db_reading_first"):
            return  # autocommit reads; the BEGIN follows the block (reading_first)
        g.db_begin_pending = None  # a new transaction: what reading_first left is past
    sqlite.begin(conn, _wants_write_lock())
