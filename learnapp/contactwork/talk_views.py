"""Views of talks: a person's cultivation page (talks and reports), recording and correcting a talk."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnapp import clock
from learnapp.contactwork import access, queries, talks
from learnapp.contactwork.blueprint import bp
from learnapp.contactwork.forms import DeleteForm, TalkEntryForm
from learnapp.contactwork.models import Talk
from learnapp.errors import FAILED, save_form
from learnapp.security import get_or_404, get_visible_user_or_404


@bp.get("/people/<int:user_id>")
@login_required
def person(user_id: int):
    """Talks and thought reports of one person: the person, their contact, the branch, auditors."""
    user = get_visible_user_or_404(current_user, user_id)
    return render_template(
        "contactwork/person.html", user=user, talks=queries.talks_of(user), reports=queries.reports_of(user),
        notes=access.can_read_talk_notes(current_user, user), can_talk=access.can_record_talk(current_user, user),
        can_review=access.can_review_report(current_user, user), can_review_dossier=access.can_read_review(current_user, user),
        is_self=user.id == current_user.id)


def _talk_input(form: TalkEntryForm) -> talks.TalkInput:
    return talks.TalkInput(held_on=form.held_on.data, place=form.place.data or "", form=form.form.data,
                           topics=form.topics.data or "", summary=form.summary.data or "",
                           follow_up=form.follow_up.data or "", kind=form.kind.data)


@bp.route("/people/<int:user_id>/talks/new", methods=["GET", "POST"])
@login_required
def talk_new(user_id: int):
    user = get_visible_user_or_404(current_user, user_id)
    if not access.can_record_talk(current_user, user):
        abort(403)
    form = TalkEntryForm()
    if request.method == "GET":
        form.held_on.data = clock.today()
        form.form.data = "in_person"
        if request.args.get("kind") in ("regular", "after_application"):
            form.kind.data = request.args["kind"]
    if form.validate_on_submit() and save_form(form, lambda: talks.record_talk(current_user, user, _talk_input(form))) is not FAILED:
        flash(_("Talk recorded."), "success")
        return redirect(url_for("contactwork.person", user_id=user.id))
    return render_template("contactwork/talk_form.html", form=form, user=user, talk=None), \
        (400 if form.errors or form.form_errors else 200)


def _talk_or_404(talk_id: int) -> Talk:
    talk = get_or_404(Talk, talk_id)
    get_visible_user_or_404(current_user, talk.user_id)
    if not talks.can_change_talk(current_user, talk):
        abort(403)
    return talk


@bp.route("/talks/<int:talk_id>/edit", methods=["GET", "POST"])
@login_required
def talk_edit(talk_id: int):
    talk = _talk_or_404(talk_id)
    form = TalkEntryForm(obj=None if request.method == "POST" else talk)
    if request.method == "GET":
        form.form.data, form.kind.data = talk.form.value, talk.kind.value
    if form.validate_on_submit() and save_form(form, lambda: talks.update_talk(current_user, talk, _talk_input(form))) is not FAILED:
        flash(_("Talk saved."), "success")
        return redirect(url_for("contactwork.person", user_id=talk.user_id))
    return render_template("contactwork/talk_form.html", form=form, user=talk.user, talk=talk, delete_form=DeleteForm()), \
        (400 if form.errors or form.form_errors else 200)


@bp.post("/talks/<int:talk_id>/delete")
@login_required
def talk_delete(talk_id: int):
    talk = _talk_or_404(talk_id)
    user_id = talk.user_id
    delete_form = DeleteForm()
    if delete_form.validate_on_submit() and save_form(delete_form, lambda: talks.delete_talk(
            current_user, talk, reason=delete_form.reason.data)) is not FAILED:
        flash(_("Talk deleted."), "success")
        return redirect(url_for("contactwork.person", user_id=user_id))
    for message in delete_form.reason.errors:
        flash(message, "error")
    return redirect(url_for("contactwork.talk_edit", talk_id=talk_id))
