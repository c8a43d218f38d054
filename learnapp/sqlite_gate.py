"""A queue for SQLite writers that wakes the next one as soon as the last one commits.

SQLite allows one writer at a time. A second `BEGIN IMMEDIATE` waits in SQLite's busy handler,
which sleeps 1, 2, 5, 10, 15… ms between tries: with writes that hold the lock for 2–3 ms (a
reading heartbeat, a quiz start) the waiting worker sleeps past the moment the lock came free and
the CPU idles. Here every write transaction first takes an exclusive `flock` on a file beside the
database (`<db>.write-gate`), which the kernel hands to the next waiter the moment it is released
after COMMIT or ROLLBACK; SQLite's own lock is then free when BEGIN IMMEDIATE runs. The gate is an
optimisation only: SQLite's lock still guarantees correctness, and a writer that cannot get the
gate within the busy timeout goes on to SQLite's own wait (a tool that does not use the gate, such
as the sqlite3 shell, is serialised by SQLite as before).

Used through `GatedConnection`, the sqlite3 connection class the engine is given (config.py).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time

# Between tries when the gate is taken: short, since the holder usually finishes in a few ms.
POLL_SECONDS = 0.0002


class GatedConnection(sqlite3.Connection):
    """sqlite3.Connection that holds the write gate from `take_gate()` to commit or rollback."""

    _gate_fd: int | None = None
    _gate_held = False
    _gate_path: str | None = None

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        name = os.fspath(database)
        if name and name != ":memory:" and not name.startswith("file:"):
            self._gate_path = name + ".write-gate"

    def take_gate(self, timeout_s: float) -> None:
        """Wait (at most `timeout_s`) for the gate; call right before BEGIN IMMEDIATE."""
        if self._gate_path is None or self._gate_held:
            return
        if self._gate_fd is None:
            self._gate_fd = os.open(self._gate_path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(self._gate_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # SQLite's busy handler takes over from here
                time.sleep(POLL_SECONDS)
                continue
            self._gate_held = True
            return

    def release_gate(self) -> None:
        if self._gate_held:
            self._gate_held = False
            fcntl.flock(self._gate_fd, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.release_gate()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.release_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release_gate()
            if self._gate_fd is not None:
                os.close(self._gate_fd)
                self._gate_fd = None
