"""`make bench-full` creates its PostgreSQL database when missing and explains an unreachable server."""

from __future__ import annotations

import secrets
import socket

import psycopg
import pytest

from bench import pgdb

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _server_up() -> bool:
    try:
        psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3).close()
        return True
    except psycopg.OperationalError:
        return False


@pytest.mark.skipif(not _server_up(), reason="needs the local PostgreSQL server (CI has it)")
def test_a_missing_database_is_created_once():
    name = f"bench_probe_{secrets.token_hex(4)}"
    try:
        assert pgdb.ensure_database(f"{SERVER}/{name}") is True
        assert pgdb.ensure_database(f"{SERVER}/{name}") is False
    finally:
        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_an_unreachable_server_is_a_clear_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(pgdb.DatabaseUnavailable, match=f"not reachable at 127.0.0.1:{port}"):
        pgdb.ensure_database(f"postgresql+psycopg://postgres@127.0.0.1:{port}/bench")
