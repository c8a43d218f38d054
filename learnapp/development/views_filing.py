"""Filings (备案) and the other steps the committee decides: the branch submits, the committee decides.

A branch submits its newly determined activists (or development targets) as one filing: one
submitted step per person, all or none. The committee sees every waiting step grouped by filing,
accepts them (one by one or ticked together) or returns one with a reason; the branch sees the
outcome here and on the person's file.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp import clock
from learnapp.accounts.forms import EmptyForm
from learnapp.accounts.models import User
from learnapp.development import queries, services
from learnapp.development.blueprint import bp
from learnapp.development.models import DevelopmentStep
from learnapp.development.rules import current_rules
from learnapp.development.step_forms import AcceptForm, FilingForm, ReturnForm
from learnapp.development.views_access import outranks
from learnapp.development.views_record import uploaded
from learnapp.errors import FAILED, DomainError, save_action, save_form
from learnapp.org.queries import full_names
from learnapp.security import (
    can_view_user,
    get_or_404,
    is_auditor,
    is_branch_admin,
    is_committee_admin,
    require_role,
)

# A filing files the step before it: the determination as activist / as development target.
FILED_STEP = {"activist_filed": "activist_determined", "target_filed": "target_determined"}
DECIDED_SHOWN_DAYS = 90
LIMIT = 300


def _labels() -> dict[str, str]:
    return {rule.code: str(rule.label) for rule in current_rules().steps}


def filing_candidates(actor, code: str) -> list[tuple[User, DevelopmentStep]]:
    """People the actor administers who have the determination this filing files and no filing of
    it waiting or accepted (a returned one may be filed again), with their determination."""
    rows = queries.determined_not_filed(actor, code, FILED_STEP[code])
    seen, result = set(), []
    for person, step in rows:
        if person.id not in seen and not outranks(person, actor):
            seen.add(person.id)
            result.append((person, step))
    return result


@bp.route("/filings/new", methods=["GET", "POST"])
@require_role(is_branch_admin)
def filing_new():
    """The branch's batch filing: tick the newly determined people, date, note, the scanned form."""
    code = request.values.get("code", "activist_filed")
    if code not in FILED_STEP:
        abort(404)
    candidates = filing_candidates(current_user, code)
    by_id = {person.id: person for person, _step in candidates}
    form = FilingForm()
    form.person_id.choices = [(person.id, person.name) for person, _step in candidates]
    if request.method == "GET":
        form.done_on.data = clock.today()
    labels = _labels()

    def submit():
        files = uploaded(form.attachments.data)
        reasons, steps = [], []
        for person_id in form.person_id.data:
            person = by_id[person_id]
            try:
                steps.append(services.record_step(
                    current_user, person, code, form.done_on.data, note=(form.note.data or "").strip() or None,
                    attachments=[(name, type(stream)(stream.getvalue())) for name, stream in files]))
            except DomainError as exc:
                reasons.extend((None, f"{person.name}：{m}") for m in exc.messages)
        if reasons:
            raise DomainError(reasons)
        return steps

    if form.validate_on_submit():
        steps = save_form(form, submit)
        if steps is not FAILED:
            flash(_("The filing of %(n)d people was sent to the committee.", n=len(steps)), "success")
            return redirect(url_for("development.filings"))
    return render_template("development/filing_new.html", form=form, code=code, label=labels.get(code, code),
                           filed_label=labels.get(FILED_STEP[code], ""), candidates=candidates,
                           names=full_names(), codes=[(c, labels.get(c, c)) for c in FILED_STEP]), \
        (400 if form.errors or form.form_errors else 200)


def _filing_key(step: DevelopmentStep):
    # One filing: the same step, branch, submitter and day.
    return (step.code, step.user.branch_id, step.recorded_by_id or 0, clock.to_local(step.recorded_at).date())


@bp.get("/filings")
@require_role(lambda u: is_branch_admin(u) or is_auditor(u))
def filings():
    """Waiting filings (grouped) and the recent decisions, of the people the actor may read."""
    waiting = queries.waiting_steps(current_user, LIMIT)
    groups = [(key, list(items)) for key, items in groupby(sorted(waiting, key=_filing_key), key=_filing_key)]
    since = clock.now() - timedelta(days=DECIDED_SHOWN_DAYS)
    decided = queries.decided_steps(current_user, since, LIMIT)
    return render_template("development/filings.html", groups=groups, waiting_count=len(waiting), decided=decided, labels=_labels(),
                           names=full_names(), can_decide=is_committee_admin(current_user),
                           may_decide=lambda step: services.may_decide(current_user, step),
                           can_submit=is_branch_admin(current_user), codes=list(FILED_STEP),
                           form=EmptyForm(), return_form=ReturnForm(), accept_form=AcceptForm())


def _waiting_step_or_404(step_id: int) -> DevelopmentStep:
    return get_or_404(DevelopmentStep, step_id, lambda s: can_view_user(current_user, s.user))


@bp.post("/filings/accept")
@require_role(is_committee_admin)
def accept_batch():
    """Accept the ticked steps together: all of them, or none when one cannot be accepted."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    ids = [int(i) for i in request.form.getlist("step_id") if i.isdigit()]
    if not ids:
        flash(_("Tick the steps to accept first."), "warning")
        return redirect(url_for("development.filings"))
    steps = [_waiting_step_or_404(i) for i in ids]

    def accept_all():
        reasons = []
        for step in steps:
            try:
                services.decide_step(current_user, step, accept=True, reason=None)
            except DomainError as exc:
                reasons.extend((None, f"{step.user.name}：{m}") for m in exc.messages)
        if reasons:
            raise DomainError(reasons)

    save_action(accept_all, success=_("%(n)d step(s) accepted.", n=len(steps)))
    return redirect(url_for("development.filings"))


@bp.post("/steps/<int:step_id>/accept")
@require_role(is_committee_admin)
def accept(step_id: int):
    step = _waiting_step_or_404(step_id)
    form = AcceptForm()
    if not form.validate_on_submit():
        abort(400)
    save_action(lambda: services.decide_step(current_user, step, accept=True, reason=(form.note.data or "").strip() or None,
                                             exception_reason=(form.exception_reason.data or "").strip() or None),
                success=_("Accepted: %(name)s.", name=step.user.name))
    return redirect(url_for("development.filings"))


@bp.post("/steps/<int:step_id>/return")
@require_role(is_committee_admin)
def return_step(step_id: int):
    step = _waiting_step_or_404(step_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for returning it; the branch sees it."), "error")
        return redirect(url_for("development.filings"))
    save_action(lambda: services.decide_step(current_user, step, accept=False, reason=form.reason.data.strip()),
                success=_("Returned to the branch: %(name)s.", name=step.user.name))
    return redirect(url_for("development.filings"))
