"""Administrators: the approval queue (with evidence preview and bulk approve), adjustments, reversals."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp import clock
from learnapp.accounts import queries as accounts_queries
from learnapp.accounts.forms import EmptyForm
from learnapp.errors import FAILED, save_action, save_form, try_save
from learnapp.ledger import claims, queries, services
from learnapp.ledger.blueprint import bp
from learnapp.ledger.forms import AdjustmentForm, ApproveForm, ReasonForm, RejectForm
from learnapp.ledger.models import LedgerEntry
from learnapp.ledger.offline_models import Claim
from learnapp.security import (
    can_manage_user,
    get_or_404,
    is_branch_admin,
    require_role,
)
from learnapp.web import format_credit

QUEUE_LIMIT = 200


def _managed_claim_or_404(claim_id: int) -> Claim:
    return get_or_404(Claim, claim_id, lambda c: can_manage_user(current_user, c.user))


@bp.get("/queue")
@require_role(is_branch_admin)
def queue():
    """Pending claims of the people the admin administers, oldest first, each with its overlap flag."""
    pending, count = claims.claims_to_decide(current_user, request.args.get("branch", type=int), QUEUE_LIMIT)
    rows = [(c, claims.overlaps(c), claims.expected_credit(c)) for c in pending]
    return render_template("ledger/queue.html", rows=rows, count=count, limit=QUEUE_LIMIT, form=EmptyForm())


@bp.post("/queue/approve")
@require_role(is_branch_admin)
def bulk_approve():
    if not EmptyForm().validate_on_submit():
        abort(400)
    ids = [int(i) for i in request.form.getlist("claim_id") if i.isdigit()]
    if not ids:
        flash(_("Tick the claims to approve first."), "warning")
        return redirect(url_for("ledger.queue"))
    for claim_id in ids:
        _managed_claim_or_404(claim_id)
    result, refused = try_save(lambda: claims.bulk_approve(current_user, ids))
    if refused is not None:
        flash(_("Nothing was approved: %(problem)s", problem="; ".join(refused.messages)), "error")
        return redirect(url_for("ledger.queue"))
    flash(_("%(n)d claim(s) approved.", n=len(result.approved)), "success")
    if result.skipped:
        flash(_("%(n)d claim(s) were already decided and were skipped.", n=len(result.skipped)), "info")
    return redirect(url_for("ledger.queue"))


def _after_decision(claim_id: int):
    target = request.form.get("next")
    if target == "queue":
        return redirect(url_for("ledger.queue"))
    return redirect(url_for("ledger.claim", claim_id=claim_id))


@bp.post("/claims/<int:claim_id>/approve")
@require_role(is_branch_admin)
def approve_claim(claim_id: int):
    _managed_claim_or_404(claim_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        flash("; ".join(e for errors in form.errors.values() for e in errors), "error")
        return _after_decision(claim_id)
    claim, refused = try_save(lambda: claims.approve_claim(current_user, claim_id, form.note.data))
    if isinstance(refused, claims.AlreadyDecided):
        # A double click or a colleague was faster: nothing more was credited.
        flash(refused.messages[0], "info")
    elif refused is not None:
        flash("; ".join(refused.messages), "error")
    else:
        flash(_("Approved: %(credit)s study hours credited.", credit=format_credit(claim.credited_hundredths)), "success")
    return _after_decision(claim_id)


@bp.post("/claims/<int:claim_id>/reject")
@require_role(is_branch_admin)
def reject_claim(claim_id: int):
    _managed_claim_or_404(claim_id)
    form = RejectForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for rejecting the claim."), "error")
        return redirect(url_for("ledger.claim", claim_id=claim_id))
    save_action(lambda: claims.reject_claim(current_user, claim_id, form.reason.data),
                success=_("The claim was rejected; the learner sees your reason."), joined=True)
    return _after_decision(claim_id)


@bp.route("/adjustments", methods=["GET", "POST"])
@require_role(is_branch_admin)
def adjustments():
    form = AdjustmentForm()
    if request.method == "GET":
        form.occurred_on.data = clock.today()
        form.login_id.data = request.args.get("login_id", "")
    if form.validate_on_submit():
        user = accounts_queries.person_by_login_id(form.login_id.data.strip())
        if user is None or not can_manage_user(current_user, user):
            form.login_id.errors.append(_("No one with this login ID in the branches you administer."))
        else:
            if save_form(form, lambda: services.adjust(current_user, user, credit_hundredths=form.credit.hundredths,
                                                       occurred_on=form.occurred_on.data,
                                                       reason=form.reason.data)) is not FAILED:
                flash(_("Adjustment recorded for %(name)s.", name=user.name), "success")
                return redirect(url_for("ledger.adjustments"))
    recent = queries.recent_adjustments(current_user, 50)
    return render_template("ledger/adjustments.html", form=form, recent=recent)


@bp.post("/entries/<int:entry_id>/reverse")
@require_role(is_branch_admin)
def reverse_entry(entry_id: int):
    entry = get_or_404(LedgerEntry, entry_id, lambda e: can_manage_user(current_user, e.user))
    form = ReasonForm()
    back = url_for("ledger.person", user_id=entry.user_id, year=entry.year)
    if not form.validate_on_submit():
        flash(_("Give the reason for the correction."), "error")
        return redirect(back)
    save_action(lambda: services.reverse_entry(current_user, entry, form.reason.data),
                success=_("The entry was reversed."), joined=True)
    return redirect(back)
