"""Make sure the PostgreSQL database a benchmark run names exists, or say plainly why it cannot."""

from __future__ import annotations

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url


class DatabaseUnavailable(RuntimeError):
    """PostgreSQL cannot be reached with the URL given (server down, wrong host, role or password)."""


def ensure_database(url: str) -> bool:
    """Create the database of `url` when it is missing; True when it was created.

    Connects to the server's `postgres` maintenance database with the same host, port and role.
    """
    parts = make_url(url)
    name = parts.database
    conninfo = {"host": parts.host or "127.0.0.1", "port": parts.port or 5432, "user": parts.username or "postgres",
                "dbname": "postgres", "connect_timeout": 5}
    if parts.password:
        conninfo["password"] = parts.password
    try:
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                return False
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(
            f"PostgreSQL is not reachable at {conninfo['host']}:{conninfo['port']} as {conninfo['user']}: "
            f"{str(exc).strip()}\nStart it (e.g. `pg_ctlcluster 15 main start`) or give --db with another URL."
        ) from None
