"""Login, logout, password and language; people administration lives in accounts/admin_views.py."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from learnapp.accounts import passwords, services
from learnapp.accounts.devices import device_of_request, remember_device
from learnapp.accounts.forms import ChangePasswordForm, LoginForm
from learnapp.accounts.sessions import start_session
from learnapp.accounts.sign_in import Refusal, sign_in, sign_out
from learnapp.errors import FAILED, save_form
from learnapp.extensions import remote_address

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        device = device_of_request()
        outcome = sign_in(form.login_id.data, form.password.data, address=remote_address(), device=device)
        # The request's transaction is committed whatever the outcome (a refusal is not an
        # exception): the counters and the audit entry of a refusal must stay.
        if outcome.signed_in:
            session.clear()
            login_user(outcome.user)
            start_session(outcome.user)
            response = redirect(_safe_next(request.args.get("next")))
            remember_device(response, outcome.user, device)
            return response
        if outcome.refusal == Refusal.throttled:
            status = 429
            form.form_errors.append(_("Too many failed attempts for this account from here. Please wait a while and try again; on a device where you have signed in before you can still sign in."))
        elif outcome.refusal == Refusal.expired:
            form.form_errors.append(_("Your temporary password has expired. Ask your administrator for a new one."))
        else:
            form.form_errors.append(_("Wrong login ID or password, or the account is deactivated."))
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    # Renewing the epoch ends this session everywhere, also a copied cookie.
    sign_out(current_user._get_current_object(), address=remote_address())
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if save_form(form, lambda: passwords.change_password(current_user._get_current_object(), form.current_password.data,
                                                                 form.new_password.data, address=remote_address())) is not FAILED:
            # The epoch changed: log in again in this session with the new one; others end.
            login_user(current_user._get_current_object())
            start_session(current_user)
            flash(_("Your password was changed."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form, forced=current_user.must_change_password)


@bp.post("/language")
def set_language():
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            services.set_locale(current_user, locale)
    return redirect(_safe_next(request.form.get("next")))


@bp.get("/account")
@login_required
def my_account():
    return render_template("auth/account.html", user=current_user)
