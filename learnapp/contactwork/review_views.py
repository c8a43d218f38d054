"""Views of the political review dossier (政审). Every page that shows any of it audits the read in
the same transaction as the page is built: no read without its audit entry, no entry without a read.
Anyone who may not read a person's dossier gets 404, so its existence is not revealed either."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnapp.accounts.models import User
from learnapp.contactwork import access, queries, review
from learnapp.contactwork.blueprint import bp
from learnapp.contactwork.forms import DeleteForm, LetterForm, RelativeForm, ReviewForm
from learnapp.contactwork.models import InquiryLetter, ReviewRelative
from learnapp.db import writes
from learnapp.errors import FAILED, save_action, save_form
from learnapp.security import can_read_reports, get_or_404, get_visible_user_or_404


def _reader_or_404(user_id: int) -> User:
    user = get_visible_user_or_404(current_user, user_id)
    if not access.can_read_review(current_user, user):
        abort(404)
    return user


def _keeper_or_404(user_id: int) -> User:
    user = _reader_or_404(user_id)
    if not access.can_edit_review(current_user, user):
        abort(403)  # an auditor: may read, never change
    return user


def _audited_page(user: User, page: str, render):
    """Audit the read and build the page in one transaction; committed by save_action."""
    return save_action(lambda: render(review.record_read(current_user, user, page)))


@bp.get("/political-reviews")
@login_required
def reviews():
    """Development targets (and anyone with a dossier) in the actor's scope, with the review's state only."""
    if not can_read_reports(current_user):
        abort(403)
    rows = queries.people_for_review(current_user)
    rows = [row for row in rows if access.can_read_review(current_user, row[0])]
    return render_template("contactwork/reviews.html", rows=rows)


@bp.get("/people/<int:user_id>/political-review")
@writes  # every read is audited in the request's own transaction
@login_required
def review_page(user_id: int):
    user = _reader_or_404(user_id)
    return _audited_page(user, "dossier", lambda dossier: render_template(
        "contactwork/review.html", user=user, review=dossier, can_edit=access.can_edit_review(current_user, user)))


def _review_input(form: ReviewForm) -> review.ReviewInput:
    return review.ReviewInput(
        own_record=form.own_record.data or "", discipline_opinion=form.discipline_opinion.data or "",
        discipline_opinion_on=form.discipline_opinion_on.data, hr_opinion=form.hr_opinion.data or "",
        hr_opinion_on=form.hr_opinion_on.data, conclusion=form.conclusion.data or None,
        concluded_on=form.concluded_on.data, conclusion_note=form.conclusion_note.data or "")


@bp.route("/people/<int:user_id>/political-review/edit", methods=["GET", "POST"])
@writes  # every read is audited in the request's own transaction
@login_required
def review_edit(user_id: int):
    user = _keeper_or_404(user_id)
    if request.method == "POST":
        form = ReviewForm()
        if form.validate_on_submit() and save_form(form, lambda: review.update_review(current_user, user, _review_input(form))) is not FAILED:
            flash(_("Political review saved."), "success")
            return redirect(url_for("contactwork.review_page", user_id=user.id))
        return render_template("contactwork/review_form.html", form=form, user=user), 400

    def render(dossier):
        form = ReviewForm(obj=dossier)
        form.conclusion.data = dossier.conclusion.value if dossier and dossier.conclusion else ""
        return render_template("contactwork/review_form.html", form=form, user=user)

    return _audited_page(user, "edit", render)


def _relative_input(form: RelativeForm) -> review.RelativeInput:
    return review.RelativeInput(relation=form.relation.data or "", name=form.name.data or "",
                                political_status=form.political_status.data or "", employer=form.employer.data or "",
                                opinion=form.opinion.data or "")


@bp.route("/people/<int:user_id>/political-review/relatives/new", methods=["GET", "POST"])
@login_required
def relative_new(user_id: int):
    user = _keeper_or_404(user_id)
    form = RelativeForm()
    if form.validate_on_submit() and save_form(form, lambda: review.add_relative(current_user, user, _relative_input(form))) is not FAILED:
        flash(_("Relative added."), "success")
        return redirect(url_for("contactwork.review_page", user_id=user.id))
    return render_template("contactwork/relative_form.html", form=form, user=user, relative=None), \
        (400 if form.errors or form.form_errors else 200)


def _part_or_404(model, part_id: int):
    """A relative or letter of a dossier the signed-in person keeps, or 404."""
    part = get_or_404(model, part_id)
    _keeper_or_404(part.review.user_id)
    return part


@bp.route("/political-review/relatives/<int:relative_id>/edit", methods=["GET", "POST"])
@writes  # every read is audited in the request's own transaction
@login_required
def relative_edit(relative_id: int):
    relative = _part_or_404(ReviewRelative, relative_id)
    user = relative.review.user
    if request.method == "POST":
        form = RelativeForm()
        if form.validate_on_submit() and save_form(form, lambda: review.update_relative(current_user, relative, _relative_input(form))) is not FAILED:
            flash(_("Relative saved."), "success")
            return redirect(url_for("contactwork.review_page", user_id=user.id))
        return render_template("contactwork/relative_form.html", form=form, user=user, relative=relative,
                               delete_form=DeleteForm()), 400
    return _audited_page(user, "relative", lambda _dossier: render_template(
        "contactwork/relative_form.html", form=RelativeForm(obj=relative), user=user, relative=relative, delete_form=DeleteForm()))


@bp.post("/political-review/relatives/<int:relative_id>/delete")
@login_required
def relative_delete(relative_id: int):
    relative = _part_or_404(ReviewRelative, relative_id)
    user_id = relative.review.user_id
    save_action(lambda: review.delete_relative(current_user, relative), success=_("Relative removed."))
    return redirect(url_for("contactwork.review_page", user_id=user_id))


def _letter_input(form: LetterForm) -> review.LetterInput:
    return review.LetterInput(addressee=form.addressee.data or "", subject=form.subject.data or "",
                              sent_on=form.sent_on.data, returned_on=form.returned_on.data, result=form.result.data or "")


@bp.route("/people/<int:user_id>/political-review/letters/new", methods=["GET", "POST"])
@login_required
def letter_new(user_id: int):
    user = _keeper_or_404(user_id)
    form = LetterForm()
    if form.validate_on_submit() and save_form(form, lambda: review.add_letter(current_user, user, _letter_input(form))) is not FAILED:
        flash(_("Letter of inquiry recorded."), "success")
        return redirect(url_for("contactwork.review_page", user_id=user.id))
    return render_template("contactwork/letter_form.html", form=form, user=user, letter=None), \
        (400 if form.errors or form.form_errors else 200)


@bp.route("/political-review/letters/<int:letter_id>/edit", methods=["GET", "POST"])
@writes  # every read is audited in the request's own transaction
@login_required
def letter_edit(letter_id: int):
    letter = _part_or_404(InquiryLetter, letter_id)
    user = letter.review.user
    if request.method == "POST":
        form = LetterForm()
        if form.validate_on_submit() and save_form(form, lambda: review.update_letter(current_user, letter, _letter_input(form))) is not FAILED:
            flash(_("Letter of inquiry saved."), "success")
            return redirect(url_for("contactwork.review_page", user_id=user.id))
        return render_template("contactwork/letter_form.html", form=form, user=user, letter=letter), 400
    return _audited_page(user, "letter", lambda _dossier: render_template(
        "contactwork/letter_form.html", form=LetterForm(obj=letter), user=user, letter=letter))


@bp.post("/political-review/letters/<int:letter_id>/delete")
@login_required
def letter_delete(letter_id: int):
    letter = _part_or_404(InquiryLetter, letter_id)
    user_id = letter.review.user_id
    save_action(lambda: review.delete_letter(current_user, letter), success=_("Letter of inquiry removed."))
    return redirect(url_for("contactwork.review_page", user_id=user_id))
