"""Engine event listeners for the length of a block, in tests."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def listening(engine, **handlers):
    """Listen to the engine's events named by the keywords (e.g. `commit=on_commit`) while the
    block runs, and stop after it, whatever happens in it."""
    for name, handler in handlers.items():
        event.listen(engine, name, handler)
    try:
        yield
    finally:
        for name, handler in handlers.items():
            event.remove(engine, name, handler)


@contextmanager
def sqlite_trace(engine):
    """Every statement SQLite itself runs while the block runs, BEGINs included (they go to the
    driver directly, past SQLAlchemy's statement events), in order."""
    seen: list[str] = []

    def on_checkout(dbapi_connection, record, proxy):
        dbapi_connection.set_trace_callback(lambda sql: seen.append(" ".join(sql.split())))

    def on_checkin(dbapi_connection, record):
        dbapi_connection.set_trace_callback(None)

    with listening(engine, checkout=on_checkout, checkin=on_checkin):
        yield seen
