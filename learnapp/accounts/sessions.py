"""Login sessions that the server can end: an epoch per person, an idle limit and an absolute limit.

Flask's signed cookie alone cannot be revoked, so the cookie carries the person's session epoch;
logging out, changing the password or deactivating the person renews the epoch, and every copy of
the old cookie stops working at its next request.
"""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from learnapp import clock
from learnapp.db import db


def init_app(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])

    @login_manager.user_loader
    def load_user(token: str):
        from learnapp.accounts.models import User

        user_id, _, epoch = token.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_epoch != epoch:
            return None
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


def start_session(user) -> None:
    """Record the login moment for the absolute and idle limits."""
    now = clock.now().timestamp()
    session.permanent = True
    session["login_at"] = now
    session["seen_at"] = now
