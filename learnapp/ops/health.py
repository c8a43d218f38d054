"""`/healthz` for the proxy and monitoring: the database answers, its schema is at the newest
migration, the upload store takes a file, Redis answers when configured.

JSON `{"status": "ok" | "failing", "checks": {name: "ok" | "failing" | "not configured"}}`, 200 when
every check passes, else 503. No sign-in, no rate limit, and nothing in the answer an attacker
could use (no versions, paths, addresses or error texts): the reasons go to the log.
"""

from __future__ import annotations

import logging
import os
import uuid
from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from learnapp.db import db
from learnapp.extensions import csrf, limiter

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)
OK, FAILING, NOT_CONFIGURED = "ok", "failing", "not configured"
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@cache
def migration_heads() -> frozenset[str]:
    """The head revision(s) of the migrations shipped with this code (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _database() -> tuple[str, str]:
    """(database, migrations) on one short connection of the site's pool."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                revisions = {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
            except Exception:
                log.warning("healthz: the database has no alembic_version table", exc_info=True)
                return OK, FAILING
            connection.rollback()
    except Exception:
        log.error("healthz: the database does not answer", exc_info=True)
        return FAILING, FAILING
    if revisions != set(migration_heads()):
        log.warning("healthz: database at %s, the code's migrations end at %s", sorted(revisions), sorted(migration_heads()))
        return OK, FAILING
    return OK, OK


def _uploads() -> str:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    probe = folder / f".healthz-{os.getpid()}-{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError:
        log.error("healthz: the upload store %s is not writable", folder, exc_info=True)
        return FAILING
    return OK


def _redis() -> str:
    url = str(current_app.config.get("RATELIMIT_STORAGE") or "")
    if not url.startswith(("redis://", "rediss://")):
        return NOT_CONFIGURED
    try:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except Exception:
        log.error("healthz: Redis does not answer", exc_info=True)
        return FAILING
    return OK


@bp.get("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    """Health of the site's dependencies, for nginx and monitoring."""
    database, migrations = _database()
    checks = {"database": database, "migrations": migrations, "uploads": _uploads(), "redis": _redis()}
    healthy = all(value in (OK, NOT_CONFIGURED) for value in checks.values())
    response = jsonify({"status": OK if healthy else FAILING, "checks": checks})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
