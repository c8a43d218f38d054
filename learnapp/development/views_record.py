"""Recording a step of a person's development: the form, every unmet requirement on refusal.

Who may open the form follows the rules file (`recorded_by`) and views_access; the engine decides.
A committee admin may record a step despite unmet requirements with a written reason (an audited
exception); a branch admin never sees that option.
"""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnapp import clock
from learnapp.accounts.models import User
from learnapp.development import queries, services
from learnapp.development.blueprint import bp
from learnapp.development.models import StepStatus
from learnapp.development.rules import current_rules
from learnapp.development.step_forms import PeopleFields, RecommendationFields, step_form
from learnapp.development.timeline import timeline
from learnapp.development.views_access import access_to, visible_person_or_404
from learnapp.development.views_present import METHOD_LABELS
from learnapp.errors import FAILED, DomainError, save_form


def uploaded(files) -> list[tuple[str, io.BytesIO]]:
    """(name, stream) of the files sent, read once so several steps may keep the same scan."""
    return [(f.filename, io.BytesIO(f.stream.read())) for f in (files or []) if getattr(f, "filename", "")]


def full_member_choices(actor, who: User) -> list[tuple[int, str]]:
    """Full members who may introduce or train the person: of the person's general branch (or the
    branch itself under the committee), within what the actor administers; the person excluded."""
    branch = who.branch
    scope = branch.parent if branch.parent is not None and branch.parent.parent is not None else branch
    rows = queries.full_members_to_choose(actor, who, scope)
    return [(uid, f"{name}（{branch_name}）") for uid, name, branch_name in rows]


def _fill_choices(form, actor, who: User) -> None:
    if isinstance(form, PeopleFields):
        people = full_member_choices(actor, who)
        form.first.choices = [(0, _("Choose…"))] + people
        form.second.choices = [(0, _("None"))] + people
    if isinstance(form, RecommendationFields):
        form.method.choices = [(value, str(label)) for value, label in METHOD_LABELS.items()]


@bp.route("/people/<int:user_id>/record/<code>", methods=["GET", "POST"])
@login_required
def record(user_id: int, code: str):
    """Record one step for the person (or submit a committee-decided step to the committee)."""
    who = visible_person_or_404(current_user, user_id)
    rule = next((r for r in current_rules().steps if r.code == code), None)
    if rule is None:
        abort(404)
    access = access_to(current_user, who)
    if not access.may_record(rule):
        abort(403)
    exception_allowed = access.committee
    form = step_form(code, exception=exception_allowed)
    _fill_choices(form, current_user, who)
    if request.method == "GET":
        form.done_on.data = clock.today()
    upcoming = next((n for n in timeline(who, clock.today()).next if n.code == code), None)
    refused: list[str] = []

    def explain(exc: DomainError) -> DomainError:
        # The engine's refusal names every unmet requirement: listed together above the form.
        if isinstance(exc, services.StepRefused):
            refused.extend(exc.messages)
            return DomainError([])
        return exc

    if form.validate_on_submit():
        reason = (form.exception_reason.data or "").strip() if exception_allowed and form.as_exception.data else None
        step = save_form(form, lambda: services.record_step(
            current_user, who, code, form.done_on.data, note=(form.note.data or "").strip() or None,
            data=form.step_data() or None, attachments=uploaded(form.attachments.data),
            exception_reason=reason), explain=explain)
        if step is not FAILED:
            if step.status == StepStatus.submitted:
                flash(_("%(step)s of %(name)s was sent to the committee.", step=rule.label, name=who.name), "success")
            else:
                flash(_("%(step)s of %(name)s was recorded.", step=rule.label, name=who.name), "success")
            return redirect(url_for("development.person", user_id=who.id))
    status = 400 if form.errors or refused else 200
    return render_template("development/record.html", form=form, person=who, rule=rule, upcoming=upcoming,
                           refused=refused, exception_allowed=exception_allowed, today=clock.today()), status
