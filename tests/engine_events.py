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
