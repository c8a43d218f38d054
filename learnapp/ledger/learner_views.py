"""The learner's side: my study hours, claims with evidence, check-in; a person's ledger for those who may see it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnapp import audit, clock
from learnapp.accounts.forms import EmptyForm
from learnapp.db import hot_read
from learnapp.errors import FAILED, DomainError, save_action, save_form
from learnapp.extensions import limiter
from learnapp.ledger import checkin as checkins
from learnapp.ledger import claims, evidence, progress, queries
from learnapp.ledger.blueprint import bp
from learnapp.ledger.forms import ApproveForm, CheckinForm, ClaimForm, RejectForm
from learnapp.ledger.offline_models import Claim, ClaimStatus, Evidence
from learnapp.ledger.schedule import make_schedule
from learnapp.paging import PageInfo
from learnapp.protected_files import send_protected
from learnapp.security import can_manage_user, can_view_user, get_or_404, get_visible_user_or_404
from learnapp.web import format_credit


def _year_arg() -> int:
    year = request.args.get("year", type=int)
    today = clock.today()
    return year if year and 2000 <= year <= today.year + 1 else today.year


# Lines of the year's ledger shown per page, newest first (an active reader has some 200 a year):
# a phone screen or two of them; every line costs render time on the most-visited learner page.
LINES_PER_PAGE = 20


class LinePages(PageInfo):
    """Pages of the year's ledger lines (the count comes with the year's totals, so paging costs
    no statement of its own)."""

    def __init__(self, page: int, total: int, per_page: int = LINES_PER_PAGE):
        super().__init__(page, total, per_page)


def _ledger_page(user, *, own: bool):
    year = _year_arg()
    p = progress.year_progress(user, year)
    wanted = max(1, request.args.get("page", 1, type=int))
    pages = LinePages(page=min(wanted, LinePages(1, p.lines).pages), total=p.lines)
    lines = progress.lines_page(user.id, year, pages.page, LINES_PER_PAGE)
    user_claims = claims.claims_of_person(user.id)
    return render_template(
        "ledger/mine.html", p=p, lines=lines, pages=pages, labels=progress.entry_labels(),
        claims=user_claims, own=own,
        # Reversing lines is offered on other people's pages only.
        person=user, can_manage=not own and can_manage_user(current_user, user),
    )


@bp.get("/")
@hot_read
@login_required
def mine():
    return _ledger_page(current_user, own=True)


@bp.get("/people/<int:user_id>")
@hot_read
@login_required
def person(user_id: int):
    user = get_visible_user_or_404(current_user, user_id)
    if user.id == current_user.id:
        return redirect(url_for("ledger.mine", year=request.args.get("year")))
    return _ledger_page(user, own=False)


@bp.route("/claims/new", methods=["GET", "POST"])
@login_required
def new_claim():
    form = ClaimForm()
    if request.method == "GET":
        form.start_date.data = clock.today()
    if form.validate_on_submit():

        def submit():
            schedule = make_schedule(form.start_date.data, form.start_time.data, form.end_time.data, form.end_date.data)
            files = [(f.filename, f.stream) for f in (form.evidence.data or []) if getattr(f, "filename", "")]
            return claims.submit_claim(current_user, category=form.category.data, title=form.title.data,
                                       schedule=schedule, description=form.description.data, place=form.place.data,
                                       files=files)

        claim = save_form(form, submit)
        if claim is not FAILED:
            flash(_("Your claim was sent to your branch for approval."), "success")
            if claims.overlaps(claim):
                flash(_("It overlaps in time with other study of yours; the approver will see this."), "warning")
            return redirect(url_for("ledger.claim", claim_id=claim.id))
    return render_template("ledger/claim_form.html", form=form)


def _visible_claim_or_404(claim_id: int) -> Claim:
    return get_or_404(Claim, claim_id, lambda c: can_view_user(current_user, c.user))


@bp.get("/claims/<int:claim_id>")
@login_required
def claim(claim_id: int):
    item = _visible_claim_or_404(claim_id)
    can_decide = (item.status == ClaimStatus.pending and can_manage_user(current_user, item.user)
                  and item.user_id != current_user.id)
    return render_template(
        "ledger/claim.html", claim=item, overlaps=claims.overlaps(item), expected=claims.expected_credit(item),
        can_decide=can_decide, approve_form=ApproveForm(), reject_form=RejectForm(), empty_form=EmptyForm(),
        year_total=queries.year_total(item.user_id, item.start_date.year),
    )


@bp.post("/claims/<int:claim_id>/withdraw")
@login_required
def withdraw_claim(claim_id: int):
    item = _visible_claim_or_404(claim_id)
    if item.user_id != current_user.id:
        abort(403)
    if EmptyForm().validate_on_submit():
        save_action(lambda: claims.withdraw_claim(current_user, item),
                    success=_("The claim was withdrawn. It stays in your history."), joined=True)
    return redirect(url_for("ledger.claim", claim_id=claim_id))


@bp.get("/evidence/<int:evidence_id>", endpoint="evidence")
@login_required
def evidence_file(evidence_id: int):
    """Served only to the owner, their contact, admins of their branch subtree and auditors."""
    item = get_or_404(Evidence, evidence_id, lambda e: can_view_user(current_user, e.claim.user))
    try:
        path = evidence.path_of(item.stored_name)
    except DomainError:
        abort(404)
    if not path.exists():
        abort(404)
    download = request.args.get("download") == "1"
    if item.claim.user_id != current_user.id:
        # Evidence shows people's papers and photos: who else opened it is kept (a GET: the
        # entry is committed on its own, audit.record_read).
        audit.record_read(current_user, "evidence.download" if download else "evidence.view", item,
                          branch=item.claim.user.branch, summary=f"{item.claim.user.name}: {item.original_name}",
                          claim=item.claim_id)
    response = send_protected(path, mimetype=item.content_type, as_attachment=download, download_name=item.original_name,
                         max_age=0, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if item.is_image:
        # An image opened on its own is never a page that may run anything. (PDFs keep the site's
        # policy: browsers refuse to show a PDF in a sandboxed document.)
        response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@bp.route("/checkin", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per minute", methods=["POST"], key_func=lambda: f"checkin:{current_user.get_id()}")
def checkin():
    form = CheckinForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args.get("code")
    if form.validate_on_submit():
        outcome = save_form(form, lambda: checkins.check_in_with_code(current_user, form.code.data))
        if outcome is not FAILED:
            if outcome.refusal is not None:
                outcome.refusal.apply_to_form(form)
            else:
                return checked_in(outcome)
    return render_template("ledger/checkin.html", form=form)


def checked_in(outcome):
    """Where a successful check-in (by code or QR link) goes: the person's ledger, with a note."""
    if outcome.change is None:
        flash(_("You had already checked in to “%(title)s”.", title=outcome.activity.title), "info")
    else:
        flash(_("Checked in to “%(title)s”: %(credit)s study hours credited.", title=outcome.activity.title,
                credit=format_credit(outcome.change.credit)), "success")
    return redirect(url_for("ledger.mine"))
