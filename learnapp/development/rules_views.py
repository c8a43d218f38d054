"""The development rules page (what is in force, its versions, the committee's numbers form), and the
steps panel of the person page."""

from __future__ import annotations

import difflib

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from learnapp.db import db
from learnapp.development import rules as dev_rules
from learnapp.development.blueprint import bp
from learnapp.development.forms import parameters_form
from learnapp.development.models import DevelopmentRuleSet
from learnapp.development.rules_file import PARAMETER_LABELS, PARAMETERS
from learnapp.errors import FAILED, save_form
from learnapp.security import is_auditor, is_committee_admin, require_role


def reads_development_rules(user) -> bool:
    return is_committee_admin(user) or is_auditor(user)


@bp.get("/rules")
@require_role(reads_development_rules)
def rules():
    versions = db.session.scalars(select(DevelopmentRuleSet).order_by(DevelopmentRuleSet.version.desc())).all()
    shown = versions[0] if versions else None
    wanted = request.args.get("version", type=int)
    if wanted:
        shown = next((v for v in versions if v.version == wanted), None) or abort(404)
    diff = None
    if shown is not None:
        older = next((v for v in versions if v.version < shown.version), None)
        if older is not None:
            diff = list(difflib.unified_diff(older.source_text.splitlines(), shown.source_text.splitlines(),
                                             f"v{older.version}", f"v{shown.version}", lineterm="", n=1))
    return render_template("development/rules.html", rules=dev_rules.current_rules(), versions=versions, shown=shown,
                           diff=diff, labels={k: str(v) for k, v in PARAMETER_LABELS.items()}, bounds=PARAMETERS,
                           can_edit=is_committee_admin(current_user))


@bp.route("/rules/edit", methods=["GET", "POST"])
@require_role(is_committee_admin)
def rules_edit():
    current = dev_rules.current_rules()
    labels = {k: str(v) for k, v in PARAMETER_LABELS.items()}
    form = parameters_form(current.parameters, labels, formdata=request.form if request.method == "POST" else None)
    form.note.label.text = _("Note (why the numbers change)")
    if form.validate_on_submit():
        values = {name: form[name].data for name in PARAMETERS}
        saved = save_form(form, lambda: dev_rules.save_parameters(current_user, values, note=form.note.data))
        if saved is not FAILED:
            if saved is None:
                flash(_("Nothing changed: the numbers are those in force."), "info")
            else:
                flash(_("The development rules were saved as version %(v)d.", v=saved.version), "success")
            return redirect(url_for("development.rules"))
    return render_template("development/rules_edit.html", form=form, bounds=PARAMETERS, rules=current)
