"""The development rules page (what is in force, its versions, the committee's numbers form), and the
steps panel of the person page."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp.development import rules as dev_rules
from learnapp.development.blueprint import bp
from learnapp.development.forms import parameters_form
from learnapp.development.rules_file import PARAMETER_LABELS, PARAMETERS
from learnapp.security import is_auditor, is_committee_admin, require_role
from learnapp.versioned_rules import save_version_form, shown_version


def reads_development_rules(user) -> bool:
    return is_committee_admin(user) or is_auditor(user)


@bp.get("/rules")
@require_role(reads_development_rules)
def rules():
    versions = dev_rules.versions()
    shown, diff = shown_version(versions, request.args.get("version", type=int))
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
        done = save_version_form(
            form, lambda: dev_rules.save_parameters(current_user, values, note=form.note.data),
            unchanged=_("Nothing changed: the numbers are those in force."),
            saved=lambda saved: _("The development rules were saved as version %(v)d.", v=saved.version),
            then=url_for("development.rules"))
        if done is not None:
            return done
    return render_template("development/rules_edit.html", form=form, bounds=PARAMETERS, rules=current)
