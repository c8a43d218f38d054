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

from flask import flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm.attributes import set_committed_value

from learnapp import clock, security
from learnapp.db import attach_row, db, reading_first


def init_app(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])

    @login_manager.user_loader
    def load_user(token: str):
        user_id, _, epoch = token.partition(":")
        if not user_id.isdigit():
            return None
        params = {"user_id": int(user_id)}
        for fact in _READ_WITH_THE_PERSON.values():
            params.update(fact.params())
        with reading_first():
            rows = db.session.connection().execute(_user_statement(), params).all()
        if not rows or not rows[0].active or rows[0].session_epoch != epoch:
            return None
        for name, fact in _READ_WITH_THE_PERSON.items():
            fact.keep(params, rows[0]._mapping[f"with_person__{name}"])
        return _signed_in_person(rows)

    @app.before_request
    def enforce_session_limits():
        if request.endpoint == "static" or not current_user.is_authenticated:
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
        if current_user.must_change_password and request.endpoint not in {
            "accounts.change_password", "accounts.logout", "accounts.set_language",
        }:
            return redirect(url_for("accounts.change_password"))
        return None


class _Fact(NamedTuple):
    column: Callable            # the scalar subquery, with bound parameters
    params: Callable[[], dict]  # their values for the request
    keep: Callable[[dict, Any], None]  # what to do with the value read


# Facts that most signed-in requests need, read as scalar subqueries of the person's statement
# instead of in statements of their own (on PostgreSQL each is a round trip), by name. Registered
# by the domains when they are imported, before the first request.
_READ_WITH_THE_PERSON: dict[str, _Fact] = {}


def read_with_the_person(name: str, column: Callable, params: Callable[[], dict],
                         keep: Callable[[dict, Any], None]) -> None:
    """Read `column()` (a scalar subquery with bound parameters) with every signed-in person;
    `params()` gives its parameters for the request, `keep(params, value)` is called with them and
    the value read."""
    if _user_statement.cache_info().currsize:
        raise RuntimeError(f"{name}: register before the first request")
    _READ_WITH_THE_PERSON[name] = _Fact(column, params, keep)


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
            .add_columns(*(fact.column().label(f"with_person__{name}") for name, fact in _READ_WITH_THE_PERSON.items())))


def _signed_in_person(rows):
    """The User (with its branch) of the rows of `_user_statement`, as session instances; the
    person's (role, path) pairs are kept for the request (the menu and every permission check)."""
    from learnapp.accounts.models import User
    from learnapp.org.models import Branch

    user, branch = attach_row(rows[0], User, Branch)
    set_committed_value(user, "branch", branch)
    security.remember_role_paths(user.id, [(r.grant_role, r.grant_path) for r in rows if r.grant_role is not None])
    return user


def start_session(user) -> None:
    """Record the login moment for the absolute and idle limits."""
    now = clock.now().timestamp()
    session.permanent = True
    session["login_at"] = now
    session["seen_at"] = now
