"""The owner of each request's transaction: a view declares what its request does with the database,
the owner decides the transaction's mode from that once, when the request starts, and ends the
transaction at the boundary. Views write no commit() or rollback().

Declarations, under the route decorator (without one, GET/HEAD/OPTIONS are `read_only`, every
other method `writes`):

- `read_only`: SQLite: a deferred BEGIN (no write lock). Ends with COMMIT when nothing was written
  (psycopg forgets a connection's prepared statements at every ROLLBACK); what it wrote is rolled
  back, never saved, logged as an error and raised in tests.
- `writes`: SQLite: BEGIN IMMEDIATE through the write gate. Committed when the view returns. Also
  for a GET that writes as it reads (the political review dossier, whose every read is audited).
- `hot_read`: `read_only` for the most visited pages, without BEGIN/COMMIT on PostgreSQL: under
  READ COMMITTED a plain read sees the same either way. Not for a page that locks rows.
- `compare_and_set`: a frequent writer whose first write is a compare-and-set on what it read, run
  again when that fails (the reading heartbeat). Committed like `writes`; its reads may come before
  SQLite's write lock (`reads_before_write_lock`); on PostgreSQL no transaction block until
  `transaction_from_here()` (before several writes that must commit together). How the
  transaction begins on its connection: learnapp/db/connection.py.

The boundary (`TransactionOwningFlask`): when the view returns, a writing request's transaction is
committed (a streamed body's when the stream ends); when anything raises (a DomainError, an abort,
a bug, a failed commit) it is rolled back before the error handler renders. Inside a request:
`errors.try_save` and its kin undo a refused service call (`undo_changes`), `write_after_reads`
lets a read-only request write one thing after its reads, `separate_write_session` writes beside
the request. CLI commands are not requests: their transactions take the write lock, and they
commit themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum

from flask import Flask, current_app, has_request_context, request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from learnapp.db.base import db


class Mode(Enum):
    READ_ONLY = "read_only"
    WRITES = "writes"
    HOT_READ = "hot_read"
    COMPARE_AND_SET = "compare_and_set"

    @property
    def may_write(self) -> bool:
        return self in (Mode.WRITES, Mode.COMPARE_AND_SET)

    @property
    def autocommit(self) -> bool:
        """PostgreSQL: statements without a transaction block (until `transaction_from_here`)."""
        return self in (Mode.HOT_READ, Mode.COMPARE_AND_SET)


def _declaring(mode: Mode):
    def declare(view):
        view.transaction_mode = mode
        return view

    declare.__name__ = declare.__qualname__ = mode.value
    return declare


read_only = _declaring(Mode.READ_ONLY)
writes = _declaring(Mode.WRITES)
hot_read = _declaring(Mode.HOT_READ)
compare_and_set = _declaring(Mode.COMPARE_AND_SET)

_READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_KEY = "learnapp.db.transaction"
SEPARATE_WRITER = "learnapp_separate_writer"  # execution option of separate_write_session's connection


def declared_mode() -> Mode:
    """The mode the request's view declares, else the default of its method."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    declared = getattr(view, "transaction_mode", None)
    if declared is not None:
        return declared
    return Mode.READ_ONLY if request.method in _READING_METHODS else Mode.WRITES


class RequestTransaction:
    """What the owner knows of the request's transaction. One per request (in its WSGI environ)."""

    __slots__ = ("autocommit_connection", "begin_pending", "mode", "person_read", "reads_unlocked", "streaming",
                 "wrote", "writing_after_reads")

    def __init__(self, mode: Mode):
        self.mode = mode
        self.person_read = False  # inside reads_before_transaction (SQLite: no BEGIN)
        self.begin_pending = None  # the sqlite3 connection whose BEGIN waits for its next statement
        self.reads_unlocked = False  # inside reads_before_write_lock: reads pass the pending BEGIN
        self.writing_after_reads = False  # inside write_after_reads
        self.autocommit_connection = None  # PostgreSQL: the driver connection in autocommit mode
        self.wrote = False  # INSERT/UPDATE/DELETE ran in the request's open transaction
        self.streaming = False  # the view returned a stream: its transactions end at teardown

    @property
    def takes_write_lock(self) -> bool:
        return self.mode.may_write or self.writing_after_reads


def current() -> RequestTransaction | None:
    """The request's transaction (None outside a request), its mode decided at the first call."""
    if not has_request_context():
        return None
    environ = request.environ
    state = environ.get(_KEY)
    if state is None:
        state = environ[_KEY] = RequestTransaction(declared_mode())
    return state


def may_write() -> bool:
    """Whether the request's transaction may write now (True outside a request: CLI, tests)."""
    state = current()
    return state is None or state.takes_write_lock


class ReadOnlyRequestWrote(RuntimeError):
    """A read-only request wrote; its changes were rolled back (raised in tests, logged otherwise)."""


class TransactionOwningFlask(Flask):
    """Flask whose requests' transactions are owned here: the mode is decided before anything of the
    request runs (the signed-in person is read in a before-request hook), the transaction ends
    when the view returns or raises, whatever blueprint the view belongs to."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.teardown_request(_end_of_request)

    def preprocess_request(self):
        current()
        return super().preprocess_request()

    def dispatch_request(self):
        rv = super().dispatch_request()
        state = current()
        state.streaming = _is_stream(rv)
        if not state.streaming:
            _view_returned(state, loud=True)
        return rv

    def handle_user_exception(self, e):
        _view_failed(current(), e)
        return super().handle_user_exception(e)


def init_request_hooks(app) -> None:
    """Refuse an app whose requests' transactions have no owner (the owner installs itself)."""
    if not isinstance(app, TransactionOwningFlask):
        raise TypeError("learnapp's app must be a TransactionOwningFlask (learnapp.db.requests)")


def _is_stream(rv) -> bool:
    body = rv[0] if isinstance(rv, tuple) else rv
    if isinstance(body, Response):
        return body.is_streamed and not body.direct_passthrough  # a file is sent after the view, no query
    return isinstance(body, Iterator)


def _pending(session) -> bool:
    return bool(session.new or session.deleted or any(session.is_modified(o) for o in session.dirty))


def _view_returned(state: RequestTransaction, *, loud: bool) -> None:
    if not db.session.registry.has():
        return
    session = db.session()
    if state.mode.may_write:
        if session.in_transaction():
            session.commit()
    elif state.wrote or _pending(session):
        session.rollback()
        message = f"{request.method} {request.path} is {state.mode.value} but wrote: rolled back"
        current_app.logger.error(message)
        if loud and current_app.testing:
            raise ReadOnlyRequestWrote(message)


def _view_failed(state: RequestTransaction, error: BaseException | None = None) -> None:
    state.streaming = False
    if not db.session.registry.has():
        return
    session = db.session()
    # A statement that failed leaves the transaction unusable (PostgreSQL refuses every statement
    # after it), also in a request that only read: the error page must read on a fresh one.
    failed_statement = isinstance(error, SQLAlchemyError)
    if session.in_transaction() and (failed_statement or state.mode.may_write or state.wrote or _pending(session)):
        session.rollback()


def _end_of_request(exc) -> None:
    """Teardown: end what is left. A transaction that wrote nothing ends with COMMIT (the same as a
    ROLLBACK for the data; see `Mode`); anything else is rolled back.

    A streamed body is sent after the view's request context was torn down, in the same context
    pushed again (flask.stream_with_context): its reads (and a `write_after_reads`) run in a
    transaction of the request's mode, ended here as at the boundary: after the view, then again
    when the stream ends."""
    state = request.environ.get(_KEY)
    if state is None or not db.session.registry.has():
        return
    if state.streaming and exc is None:
        _view_returned(state, loud=False)
    session = db.session()
    if session.in_transaction():
        if exc is None and not state.wrote and not _pending(session):
            session.commit()
        else:
            session.rollback()


def undo_changes() -> None:
    """Roll back everything the request wrote so far (a service refused: errors.try_save)."""
    db.session.rollback()


@contextmanager
def write_after_reads():
    """End the request's transaction (a GET's reads) and run the block in a new one that takes the
    write lock from its start (SQLite: BEGIN IMMEDIATE), committed when the block ends.

    For a GET that writes one small thing after its reads, such as the audit entry of an export:
    a GET's transaction does not take SQLite's write lock, and one that later writes fails with
    "database is locked" when another writer came first. The reads are not held under the lock."""
    state = current()
    db.session.commit()
    if state is not None:
        state.writing_after_reads = True
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        if state is not None:
            state.writing_after_reads = False


@contextmanager
def separate_write_session():
    """A session on a connection of its own, whose transaction may write, for a record that must
    be kept whatever becomes of the request's own transaction and that a read-only request must
    make (the audit entry of a confidential read: audit.record_read). The caller commits; leaving
    the block closes it (rolling back what was not committed). Not inside a request that holds
    the write lock itself (SQLite: it would wait for its own lock): use the request's session there."""
    with db.engine.connect().execution_options(**{SEPARATE_WRITER: True}) as connection:
        with Session(bind=connection) as session:
            yield session
