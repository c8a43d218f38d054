"""The committee admin's settings page: the site language."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from learnapp.errors import FAILED, save_form
from learnapp.form_fields import RadioField
from learnapp.security import is_committee_admin, require_role
from learnapp.site import services

bp = Blueprint("site", __name__, url_prefix="/settings")

LANGUAGE_NAMES = {"zh_CN": "中文（简体）", "en": "English"}


class LanguageForm(FlaskForm):
    language = RadioField(_l("Site language"), choices=[(code, name) for code, name in LANGUAGE_NAMES.items()],
                          description=_l("What everyone sees who has not chosen a language for themselves."))
    browser_language = BooleanField(
        _l("Let the browser's language decide for visitors who are not signed in"),
        description=_l("Signed-in people always see their own choice, or else the site language."))


@bp.route("/language", methods=["GET", "POST"])
@require_role(is_committee_admin)
def language():
    form = LanguageForm()
    if not form.is_submitted():
        form.language.data = services.language()
        form.browser_language.data = services.browser_language_allowed()
    if form.validate_on_submit():
        result = save_form(form, lambda: services.set_language_policy(
            current_user, form.language.data, bool(form.browser_language.data)))
        if result is not FAILED:
            flash(_("The site settings were saved."), "success")
            return redirect(url_for("site.language"))
    return render_template("site/language.html", form=form)

