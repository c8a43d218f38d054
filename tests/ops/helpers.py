"""Shared by the operations tests."""

from __future__ import annotations

from sqlalchemy import text

from learnapp.db import db
from learnapp.ops.health import migration_heads


def stamp_head() -> None:
    """The unit tests' schema comes from create_all(): note it as at the newest migration, as
    `flask db upgrade` would, so /healthz finds the schema current."""
    db.session.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
    db.session.execute(text("DELETE FROM alembic_version"))
    for head in migration_heads():
        db.session.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})
    db.session.commit()
