"""The projector's QR link, opened on an attendee's phone: check in with one tap once signed in."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from learnapp.accounts.forms import EmptyForm
from learnapp.errors import FAILED, DomainError, save_form
from learnapp.ledger import checkin
from learnapp.ledger.blueprint import bp
from learnapp.ledger.learner_views import checked_in


@bp.route("/checkin/link/<token>", methods=["GET", "POST"])
@login_required
def checkin_link(token: str):
    """GET shows the activity and a button (a GET must not write); POST checks in. An expired or
    forged link says so plainly; a forged one counts as a wrong code."""
    form = EmptyForm()
    refusal, activity = None, None
    if form.validate_on_submit():
        outcome = save_form(form, lambda: checkin.check_in_with_token(current_user, token))
        if outcome is not FAILED:
            if outcome.refusal is None:
                return checked_in(outcome)
            refusal, activity = outcome.refusal, outcome.activity
    else:
        try:
            activity = checkin.token_activity(token)
        except DomainError as exc:
            refusal = exc
    status = 200 if refusal is None else 400
    return render_template("ledger/checkin_link.html", form=form, activity=activity,
                           refusal=refusal.messages[0] if refusal else None, errors=form.form_errors), status
