"""One run of a scheduled job at a time, across every server of the site.

PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a connection of its
own for the job's length; it goes away with the connection if the process dies. SQLite (one
server by nature): an exclusive `flock` on a file beside the database, also released by the
kernel when the process dies. Either way a second run finds the lock taken and stops at once.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url

from learnapp.db import db


class JobRunning(RuntimeError):
    """Another run of the same job holds its lock."""

    def __init__(self, name: str):
        super().__init__(f"{name} is already running")
        self.name = name


def _advisory_key(name: str) -> int:
    """A stable signed 64-bit key per job name (PostgreSQL's advisory lock keys are bigint)."""
    return int.from_bytes(hashlib.sha256(f"learnapp-job:{name}".encode()).digest()[:8], "big", signed=True)


def lock_file(name: str) -> Path:
    """SQLite: the lock file of a job, beside the database file (in the instance folder for an
    in-memory database)."""
    database = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database
    if database and database != ":memory:":
        path = Path(database).resolve()
        return path.with_name(f"{path.name}.job-{name}.lock")
    return Path(current_app.instance_path) / f"job-{name}.lock"


@contextmanager
def job_lock(name: str) -> Iterator[None]:
    """Hold the job's lock for the block; JobRunning at once when another run holds it."""
    if db.engine.dialect.name == "postgresql":
        key = _advisory_key(name)
        with db.engine.connect() as connection:
            taken = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            connection.commit()
            if not taken:
                raise JobRunning(name)
            try:
                yield
            finally:
                # Before the connection goes back to the pool, where the lock would outlive the job.
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()
        return
    path = lock_file(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise JobRunning(name) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
