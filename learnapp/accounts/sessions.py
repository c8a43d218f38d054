"""Login sessions that the server can end: an epoch per person, an idle limit and an absolute limit.

Flask's signed cookie alone cannot be revoked, so the cookie carries the person's session epoch;
logging out, changing the password or deactivating the person renews the epoch, and every copy of
the old cookie stops working at its next request.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from flask import flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased, contains_eager

from learnapp import clock, security
from learnapp.db import db, reading_first


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
        with reading_first():
            rows = db.session.execute(_user_statement(), {"user_id": int(user_id)}).all()
        user = rows[0][0] if rows else None
        if user is None or not user.active or user.session_epoch != epoch:
            return None
        # Every page asks for the person's roles (menu, permission checks) and most show their
        # branch: both came with the user, so neither costs a statement of its own.
        security.remember_role_paths(user.id, [(role, path) for _user, role, path in rows if role is not None])
        return user

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
        if now - seen_at > 30:
            session["seen_at"] = now
        if current_user.must_change_password and request.endpoint not in {
            "accounts.change_password", "accounts.logout", "accounts.set_language",
        }:
            return redirect(url_for("accounts.change_password"))
        return None


@cache
def _user_statement():
    """The signed-in person with their branch and the (role, branch path) of each grant: one row
    per grant, or one row without a role. Built once: building it costs more than running it."""
    from learnapp.accounts.models import RoleGrant, User
    from learnapp.org.models import Branch

    granted_on = aliased(Branch, name="granted_on")
    return (select(User, RoleGrant.role, granted_on.path)
            .join(User.branch).options(contains_eager(User.branch))
            .outerjoin(RoleGrant, RoleGrant.user_id == User.id)
            .outerjoin(granted_on, granted_on.id == RoleGrant.branch_id)
            .where(User.id == bindparam("user_id")).order_by(RoleGrant.id))


def start_session(user) -> None:
    """Record the login moment for the absolute and idle limits."""
    now = clock.now().timestamp()
    session.permanent = True
    session["login_at"] = now
    session["seen_at"] = now
