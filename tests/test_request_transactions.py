"""How a request's transaction ends (learnapp.db.init_request_hooks): a GET that only read commits, so
PostgreSQL keeps the connection's prepared statements; anything else is rolled back as before."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import select, text

from learnapp.accounts.models import User
from tests.helpers.engine_events import listening


@contextmanager
def transaction_ends(engine):
    """'commit' and 'rollback' of the engine's connections, in order."""
    seen: list[str] = []

    def on_commit(conn):
        seen.append("commit")

    def on_rollback(conn):
        seen.append("rollback")

    with listening(engine, commit=on_commit, rollback=on_rollback):
        yield seen


def _read_a_person(db):
    return db.session.execute(select(User.__table__.c.name).limit(1)).all()


def test_a_get_that_only_read_ends_with_commit(app, db, org):
    db.session.commit()
    with transaction_ends(db.engine) as seen:
        with app.test_request_context("/anything", method="GET"):
            _read_a_person(db)
    assert seen == ["commit"]


def test_a_get_that_left_changes_behind_does_not_save_them(app, db, org):
    db.session.commit()
    with transaction_ends(db.engine) as seen:
        with app.test_request_context("/anything", method="GET"):
            person = db.session.get(User, org.learner_a.id)
            person.name = "changed by a GET"
    assert "commit" not in seen
    db.session.rollback()
    assert db.session.get(User, org.learner_a.id).name != "changed by a GET"


def test_a_get_that_failed_is_not_committed(app, db, org):
    db.session.commit()
    with transaction_ends(db.engine) as seen:
        ctx = app.test_request_context("/anything", method="GET")
        ctx.push()
        _read_a_person(db)
        ctx.pop(RuntimeError("the view failed"))
    assert "commit" not in seen


def test_a_post_is_left_to_its_view(app, db, org):
    db.session.commit()
    with transaction_ends(db.engine) as seen:
        with app.test_request_context("/anything", method="POST"):
            _read_a_person(db)
    assert "commit" not in seen


def test_postgresql_keeps_prepared_statements_from_page_to_page(app, db, org):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    db.session.commit()
    # psycopg prepares a statement from its fifth use on a connection and forgets them all at a
    # ROLLBACK: pages that each ended with one would never get there.
    for _ in range(7):
        with app.test_request_context("/anything", method="GET"):
            _read_a_person(db)
        db.session.remove()  # as at the end of each request's app context
    prepared = db.session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
    assert prepared > 0
