"""Login sessions that the server can end: an epoch per person, an idle limit and an absolute limit.

Flask's signed cookie alone cannot be revoked, so the cookie carries the person's session epoch;
logging out, changing the password or deactivating the person renews the epoch, and every copy of
the old cookie stops working at its next request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import Any, NamedTuple

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlalchemy import and_, bindparam, not_, select
from sqlalchemy.orm.attributes import set_committed_value

from learnapp import clock
from learnapp.accounts import permissions
from learnapp.db import attach_row, db, open_request_connection, reads_before_transaction


def init_app(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])

    @login_manager.user_loader
    def load_user(token: str):
        claim = _claim_of(token)
        if claim is None:
            return None
        params = {"user_id": claim.user_id, **_fact_params()}
        with reads_before_transaction():
            rows = db.session.connection().execute(_user_statement(), params).all()
        if not rows or not rows[0].active or rows[0].session_epoch != claim.epoch:
            return None
        _keep_facts(params, rows[0])
        return _signed_in_person(rows)

    @app.before_request
    def enforce_session_limits():
        if request.endpoint == "static":
            return None
        # A view that checks the sign-in itself gets the limits of the session the cookie claims;
        # asking `current_user` here would read the person, the round trip it saves.
        checks_itself = _view_checks_sign_in() and claimed_sign_in() is not None
        if not checks_itself and not current_user.is_authenticated:
            return None
        now = clock.now().timestamp()
        login_at = session.get("login_at", now)
        seen_at = session.get("seen_at", now)
        idle = app.config["SESSION_IDLE_MINUTES"] * 60
        absolute = app.config["SESSION_ABSOLUTE_HOURS"] * 3600
        if now - seen_at > idle or now - login_at > absolute:
            logout_user()
            session.clear()
            flash(_l("Your session has ended. Please log in again."), "info")
            return redirect(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))
        # Moved at most every SESSION_SEEN_REFRESH_SECONDS: moving it re-signs and re-sends the
        # cookie, and a reading page's heartbeat comes every 30 s. The idle limit is two hours,
        # so two minutes of imprecision in it is of no consequence.
        if now - seen_at > app.config["SESSION_SEEN_REFRESH_SECONDS"]:
            session["seen_at"] = now
        if checks_itself:
            # The view's own read comes first instead of the person's statement: its connection
            # is opened as that statement would have left it. A pending password change is part
            # of what the view's read checks.
            open_request_connection()
            return None
        if current_user.must_change_password and request.endpoint not in {
            "accounts.change_password", "accounts.logout", "accounts.set_language",
        }:
            return redirect(url_for("accounts.change_password"))
        return None


class Claim(NamedTuple):
    """Who the session cookie says is signed in, and with which session epoch. The cookie is
    signed, so this was not forged; but the person may have been deactivated or signed out
    everywhere since, which only the database knows."""

    user_id: int
    epoch: str


def _claim_of(token: str | None) -> Claim | None:
    user_id, _, epoch = (token or "").partition(":")
    return Claim(int(user_id), epoch) if user_id.isdigit() and len(user_id) < 12 else None


def claimed_sign_in() -> Claim | None:
    """The session cookie's claim (None without one: then only Flask-Login knows)."""
    return _claim_of(session.get("_user_id"))


def checks_sign_in_itself(view):
    """Mark a view whose first statement checks the session cookie's claim instead of `current_user`
    (set by `accounts.caller.with_caller(claim_checked_by_first_read=True)`, which does the
    checking), so that its usual request does not spend a round trip on the person's statement.
    The session's idle and absolute limits still apply before the view, and the request's
    connection is opened as the person's statement would have left it (`db.open_request_connection`)."""
    view.learnapp_checks_sign_in = True
    return view


def _view_checks_sign_in() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "learnapp_checks_sign_in", False)


def sign_in_columns(users) -> list:
    """Columns for a view's own statement (accounts.caller.ClaimCheckedStatement), which joins the
    users table (`users`) on the person of the claim (`bindparam("claimed_user_id")`): whether the claim holds (active, the same session
    epoch, no password change pending) and the person's facts registered `with_claim`: only those
    such a view needs, since it answers no page (no menu, no bell)."""
    holds = and_(users.c.active, users.c.session_epoch == bindparam("claimed_epoch"),
                 not_(users.c.must_change_password))
    return [holds.label("sign_in_holds"), *_fact_columns(claim=True)]


def sign_in_params(claim: Claim) -> dict:
    return {"claimed_user_id": claim.user_id, "claimed_epoch": claim.epoch, **_fact_params(claim=True)}


def accept_sign_in(row, params: dict) -> bool:
    """Whether the claim holds by the row of a statement with `sign_in_columns` (run with
    `sign_in_params`); when it does, the facts read with the person are kept for the request as
    the person's own statement keeps them."""
    if not row.sign_in_holds:
        return False
    _keep_facts(params, row, claim=True)
    return True


def _facts(claim: bool) -> list[tuple[str, _Fact]]:
    return [(name, fact) for name, fact in _PERSON_FACTS.items() if fact.with_claim or not claim]


def _fact_columns(claim: bool = False) -> list:
    return [fact.column().label(f"person_fact__{name}") for name, fact in _facts(claim)]


def _fact_params(claim: bool = False) -> dict:
    params = {}
    for _name, fact in _facts(claim):
        params.update(fact.params())
    return params


def _keep_facts(params: dict, row, claim: bool = False) -> None:
    for name, fact in _facts(claim):
        fact.keep(params, row._mapping[f"person_fact__{name}"])


class _Fact(NamedTuple):
    column: Callable            # the scalar subquery, with bound parameters
    params: Callable[[], dict]  # their values for the request
    keep: Callable[[dict, Any], None]  # what to do with the value read
    with_claim: bool            # read by a claim-checked statement too (accounts.caller)


# Facts that most signed-in requests need, read as scalar subqueries of the person's statement
# instead of in statements of their own (on PostgreSQL each is a round trip), by name: the person's
# facts. Registered with register_person_fact from the domains' init_app, before the first request.
_PERSON_FACTS: dict[str, _Fact] = {}


def register_person_fact(name: str, column: Callable, params: Callable[[], dict],
                         keep: Callable[[dict, Any], None], *, with_claim: bool = False) -> None:
    """Read `column()` (a scalar subquery with bound parameters) with every signed-in person;
    `params()` gives its parameters for the request, `keep(params, value)` is called with them and
    the value read. `with_claim`: read by the statements that check a cookie's claim as well (the
    heartbeat's, every 30 s per reader: only what it needs, the year's credit rules)."""
    if _user_statement.cache_info().currsize:
        raise RuntimeError(f"{name}: register before the first request")
    _PERSON_FACTS[name] = _Fact(column, params, keep, with_claim)


@cache
def _user_statement():
    """The signed-in person's row, their branch's row and the (role, branch path) of each grant:
    one row per grant, or one row without a role. Plain columns, not ORM entities: on every
    request, the ORM's loading of the same rows costs several times the query. Built once."""
    from learnapp.accounts.models import RoleGrant, User
    from learnapp.org.models import Branch

    users, branches, grants = User.__table__, Branch.__table__, RoleGrant.__table__
    granted_on = branches.alias("granted_on")
    return (select(users, *(column.label(f"branch__{column.key}") for column in branches.c),
                   grants.c.role.label("grant_role"), granted_on.c.path.label("grant_path"))
            .join(branches, branches.c.id == users.c.branch_id)
            .outerjoin(grants, grants.c.user_id == users.c.id)
            .outerjoin(granted_on, granted_on.c.id == grants.c.branch_id)
            .where(users.c.id == bindparam("user_id")).order_by(grants.c.id)
            .add_columns(*_fact_columns()))


def _signed_in_person(rows):
    """The User (with its branch) of the rows of `_user_statement`, as session instances; the
    person's (role, path) pairs are kept for the request (the menu and every permission check)."""
    from learnapp.accounts.models import User
    from learnapp.org.models import Branch

    user, branch = attach_row(rows[0], User, Branch)
    set_committed_value(user, "branch", branch)
    permissions.remember_role_paths(user.id, [(r.grant_role, r.grant_path) for r in rows if r.grant_role is not None])
    return user


def start_session(user) -> None:
    """Record the login moment for the absolute and idle limits."""
    now = clock.now().timestamp()
    session.permanent = True
    session["login_at"] = now
    session["seen_at"] = now
