"""The owner of the request's transaction (learnapp/db/requests.py): the mode a view declares, the
commit when the view returns, the rollback when it raises, how a request that only read ends (COMMIT,
so PostgreSQL keeps the connection's prepared statements). On SQLite and PostgreSQL."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask import Blueprint, Response, jsonify, request, stream_with_context
from sqlalchemy import select, text

from learnapp.accounts.models import User
from learnapp.audit.exports import record_export
from learnapp.audit.models import AuditEntry
from learnapp.db import (
    compare_and_set,
    db,
    hot_read,
    reads_before_write_lock,
    transaction_from_here,
    writes,
)
from learnapp.db.requests import Mode, ReadOnlyRequestWrote, current
from learnapp.errors import DomainError, try_save
from learnapp.security import SYSTEM
from tests.helpers.engine_events import listening

probe = Blueprint("tx_probe", __name__, url_prefix="/tx-probe")
USERS = User.__table__


def _rename(user_id: int, name: str) -> None:
    db.session.get(User, user_id).name = name
    db.session.flush()


def _refuse(user_id: int) -> None:
    _rename(user_id, "half-way")
    raise DomainError("Not like this.", "name")


@probe.post("/rename/<int:user_id>")
def rename(user_id: int):
    _rename(user_id, request.form["name"])
    return "renamed"


@probe.post("/refused/<int:user_id>")
def refused_and_shown(user_id: int):
    _result, refused = try_save(lambda: _refuse(user_id))
    return "refused: " + "; ".join(refused.messages), 400


@probe.post("/refusal-raised/<int:user_id>")
def refusal_raised(user_id: int):
    _refuse(user_id)


@probe.post("/crash/<int:user_id>")
def crash(user_id: int):
    _rename(user_id, "before the crash")
    raise RuntimeError("a bug")


@probe.get("/read-only-write/<int:user_id>")
def read_only_write(user_id: int):
    _rename(user_id, "by a GET")
    return "wrote"


@probe.get("/writes-get/<int:user_id>")
@writes
def writes_get(user_id: int):
    _rename(user_id, "by a writing GET")
    return "wrote"


@probe.get("/mode")
@hot_read
def mode_of_the_request():
    return current().mode.value


@probe.get("/export")
def streamed_export():
    # The rows are read while the body is sent (reports/exports.py): Flask ends the view's request
    # context, and its session, before it sends a streamed body, and pushes it again for the body.
    statement = select(USERS.c.login_id).order_by(USERS.c.id).execution_options(yield_per=2)

    def lines():
        count = 0
        for row in db.session.execute(statement):
            count += 1
            yield row.login_id + "\n"
        record_export(SYSTEM, "tx_probe", ("users", None), summary="probe", rows=count)

    return Response(stream_with_context(lines()), mimetype="text/plain")


@probe.post("/compare-and-set/<int:user_id>")
@compare_and_set
def compare_and_set_view(user_id: int):
    with reads_before_write_lock() as unlocked:
        name = db.session.execute(select(USERS.c.name).where(USERS.c.id == user_id)).scalar()
        changed = db.session.execute(USERS.update().where(USERS.c.id == user_id, USERS.c.name == name)
                                     .values(name=name + " (set)")).rowcount
    transaction_from_here()
    return jsonify(unlocked=unlocked, changed=changed)


@probe.post("/reads-first-undeclared/<int:user_id>")
def reads_first_undeclared(user_id: int):
    with reads_before_write_lock() as unlocked:
        db.session.execute(select(USERS.c.name).where(USERS.c.id == user_id)).scalar()
    return jsonify(unlocked=unlocked)


@pytest.fixture
def probed(app):
    app.register_blueprint(probe)
    return app


def _saved_name(user_id: int) -> str:
    db.session.rollback()  # what the test's session still holds is not what was saved
    return db.session.execute(select(USERS.c.name).where(USERS.c.id == user_id)).scalar()


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


# --- the declaration and its defaults ---------------------------------------------------------------

def test_the_mode_is_the_declared_one_or_the_methods_default(app, probed, client, org):
    assert client.get("/tx-probe/mode").get_data(as_text=True) == "hot_read"
    for method, mode in (("GET", Mode.READ_ONLY), ("HEAD", Mode.READ_ONLY), ("POST", Mode.WRITES),
                         ("DELETE", Mode.WRITES)):
        with app.test_request_context("/anything", method=method):
            assert current().mode is mode, method


# --- writes: committed at the boundary, rolled back when anything raises ------------------------------

def test_a_post_whose_view_returns_is_committed(probed, client, db, org):
    assert client.post(f"/tx-probe/rename/{org.learner_a.id}", data={"name": "新名字"}).status_code == 200
    assert _saved_name(org.learner_a.id) == "新名字"


def test_a_refused_service_leaves_nothing_behind_and_the_view_shows_why(probed, client, db, org):
    name = org.learner_a.name
    response = client.post(f"/tx-probe/refused/{org.learner_a.id}")
    assert response.status_code == 400 and "Not like this." in response.get_data(as_text=True)
    assert _saved_name(org.learner_a.id) == name


def test_a_refusal_raised_by_the_view_is_rolled_back_before_the_error_page(probed, client, db, org):
    name = org.learner_a.name
    response = client.post(f"/tx-probe/refusal-raised/{org.learner_a.id}", headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert response.get_json()["reasons"] == [{"field": "name", "message": "Not like this."}]
    assert _saved_name(org.learner_a.id) == name


def test_an_unexpected_exception_rolls_back(probed, client, db, org):
    name = org.learner_a.name
    with pytest.raises(RuntimeError, match="a bug"):  # tests see the exception itself (PROPAGATE_TEST_ERRORS)
        client.post(f"/tx-probe/crash/{org.learner_a.id}")
    assert _saved_name(org.learner_a.id) == name


def test_a_get_declared_writes_is_committed(probed, client, db, org):
    assert client.get(f"/tx-probe/writes-get/{org.learner_a.id}").status_code == 200
    assert _saved_name(org.learner_a.id) == "by a writing GET"


# --- read_only: never saves ---------------------------------------------------------------------------

def test_a_read_only_request_that_writes_saves_nothing_and_fails_loudly_in_tests(probed, client, db, org, caplog):
    name = org.learner_a.name
    with pytest.raises(ReadOnlyRequestWrote):
        client.get(f"/tx-probe/read-only-write/{org.learner_a.id}")
    assert "is read_only but wrote: rolled back" in caplog.text
    assert _saved_name(org.learner_a.id) == name


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
    assert _saved_name(org.learner_a.id) != "changed by a GET"


def test_a_request_that_failed_is_not_committed(app, db, org):
    db.session.commit()
    for method in ("GET", "POST"):
        with transaction_ends(db.engine) as seen:
            ctx = app.test_request_context("/anything", method=method)
            ctx.push()
            _read_a_person(db)
            ctx.pop(RuntimeError("the view failed"))
        assert "commit" not in seen, method


def test_a_post_whose_view_never_ran_saves_nothing_left_pending(app, db, org):
    db.session.commit()
    with app.test_request_context("/anything", method="POST"):
        db.session.get(User, org.learner_a.id).name = "pending"
    assert _saved_name(org.learner_a.id) != "pending"


# --- streamed responses -------------------------------------------------------------------------------

def test_a_streamed_export_streams_every_row_and_keeps_its_audit_entry(probed, client, db, org):
    expected = [row.login_id for row in db.session.execute(select(USERS.c.login_id).order_by(USERS.c.id))]
    response = client.get("/tx-probe/export")
    assert response.status_code == 200 and response.is_streamed
    assert response.get_data(as_text=True).splitlines() == expected
    response.close()
    db.session.rollback()
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.tx_probe")).all()
    assert len(entries) == 1 and entries[0].details["scope"]["rows"] == len(expected)


# --- compare_and_set ------------------------------------------------------------------------------------

def test_compare_and_set_reads_before_the_write_lock_only_when_declared(probed, client, login, db, org):
    login(org.learner_a)
    answer = client.post(f"/tx-probe/compare-and-set/{org.learner_b.id}").get_json()
    assert answer == {"unlocked": db.engine.dialect.name == "sqlite", "changed": 1}
    assert _saved_name(org.learner_b.id).endswith(" (set)")
    # A view that has not declared compare_and_set reads under the lock, as any writer does.
    assert client.post(f"/tx-probe/reads-first-undeclared/{org.learner_b.id}").get_json() == {"unlocked": False}


# --- PostgreSQL ---------------------------------------------------------------------------------------

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


def _in_a_block_per_statement(engine):
    """For each statement run while listening: True when it ran inside a transaction block."""
    from psycopg.pq import TransactionStatus

    seen: list[bool] = []

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append(conn.connection.dbapi_connection.info.transaction_status != TransactionStatus.IDLE)

    return seen, listening(engine, after_cursor_execute=after)


def test_hot_read_pages_read_without_a_transaction_block(client, login, db, org):
    """PostgreSQL: the pages declared `hot_read` send no BEGIN and COMMIT around their reads; other
    pages still read in one transaction."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    from tests.helpers.materials import make_material

    pages = (("/ledger/", True), (f"/materials/{make_material(minutes=10).slug}", True), ("/reading/", False))
    login(org.learner_a)
    for path, hot in pages:
        seen, listener = _in_a_block_per_statement(db.engine)
        with listener:
            assert client.get(path).status_code == 200, path
        assert seen and all(not in_block for in_block in seen) if hot else all(seen), (path, seen)


def test_compare_and_set_on_postgresql_runs_without_a_block_until_asked(probed, client, login, db, org):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    login(org.learner_a)
    path = f"/tx-probe/compare-and-set/{org.learner_b.id}"
    seen, listener = _in_a_block_per_statement(db.engine)
    with listener:
        assert client.post(path).status_code == 200
    assert seen and not any(seen), seen  # the person, the read and the compare-and-set: each on its own
