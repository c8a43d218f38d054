"""Views of the assessments domain: a person's annual record, contacts' people, manual assessments."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnapp import charts, clock
from learnapp.assessments import record as records
from learnapp.assessments import services
from learnapp.assessments.extras import quarter_extras, record_sections
from learnapp.assessments.forms import AssessmentForm, DeleteAssessmentForm, EditAssessmentForm
from learnapp.assessments.models import Assessment, Period
from learnapp.assessments.queries import learners_with_status, parse_year, years_choice
from learnapp.assessments.status import Status
from learnapp.errors import FAILED, save_form
from learnapp.ledger.evidence import evidence_url
from learnapp.security import (
    can_read_reports,
    get_or_404,
    get_visible_user_or_404,
    is_contact,
)

bp = Blueprint("assessments", __name__, url_prefix="/assessments")


@bp.get("/")
@login_required
def index():
    """One's own record link, and for training contacts the people they look after."""
    year = parse_year(request.args.get("year"), clock.today().year)
    people = []
    if is_contact(current_user):
        people = learners_with_status(current_user, year, clock.today())
    elif not can_read_reports(current_user):
        return redirect(url_for("assessments.record", user_id=current_user.id, year=year))
    return render_template("assessments/index.html", year=year, years=years_choice(clock.today().year),
                           people=people, is_reader=can_read_reports(current_user), status_of=Status)


@bp.get("/people/<int:user_id>")
@login_required
def record(user_id: int):
    """The person's annual record: self, their contact, admins of their subtree, auditors."""
    user = get_visible_user_or_404(current_user, user_id)
    year = parse_year(request.args.get("year"), clock.today().year)
    rec = records.build(user, year)
    role = services.assessor_role(current_user, user)
    chart = charts.cumulative_credit(
        rec.daily, rec.requirement, year, rec.today, title=_("Credit over the year against the pace line"),
        labels={"credit": _("Credit earned"), "pace": _("Pace line"), "requirement": _("Requirement")})
    return render_template("assessments/record.html", rec=rec, user=user, year=year,
                           years=years_choice(clock.today().year, user.id), can_assess=role is not None,
                           can_change=lambda a: services.can_change(current_user, a), chart=chart,
                           evidence_url=evidence_url, sections=record_sections(current_user, user, year))


@bp.route("/people/<int:user_id>/new", methods=["GET", "POST"])
@login_required
def new(user_id: int):
    user = get_visible_user_or_404(current_user, user_id)
    role = services.assessor_role(current_user, user)
    if role is None:
        abort(403)
    year = parse_year(request.values.get("year"), clock.today().year)
    periods = services.periods_for(role)
    form = AssessmentForm(periods=periods)
    if request.method == "GET":
        wanted = request.args.get("period")
        form.period.data = wanted if wanted in {p.value for p in periods} else _default_period(periods, year).value
    if form.validate_on_submit() and save_form(form, lambda: services.record_assessment(
            current_user, user, year=year, period=form.period.data, grade=form.grade.data,
            comment=form.comment.data or "")) is not FAILED:
        flash(_("Assessment saved."), "success")
        return redirect(url_for("assessments.record", user_id=user.id, year=year))
    extras = quarter_extras(current_user, user, year, form.period.data)
    return render_template("assessments/form.html", form=form, user=user, year=year, role=role, extras=extras), \
        (400 if form.errors or form.form_errors else 200)


def _default_period(periods: list[Period], year: int) -> Period:
    """The latest period that has already started (what an assessor is most likely to fill in)."""
    today = clock.today()
    started = [p for p in periods if p.bounds(year)[0] <= today and p != Period.year]
    return max(started, key=lambda p: (p.bounds(year)[0], -p.bounds(year)[1].toordinal())) if started else periods[0]


def _assessment_or_404(assessment_id: int) -> Assessment:
    assessment = get_or_404(Assessment, assessment_id)
    get_visible_user_or_404(current_user, assessment.user_id)
    if not services.can_change(current_user, assessment):
        abort(403)
    return assessment


@bp.route("/<int:assessment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(assessment_id: int):
    assessment = _assessment_or_404(assessment_id)
    form = EditAssessmentForm(obj=None if request.method == "POST" else assessment)
    if request.method == "GET":
        form.grade.data = assessment.grade.value
    delete_form = DeleteAssessmentForm()
    if form.validate_on_submit():
        if save_form(form, lambda: services.update_assessment(current_user, assessment, grade=form.grade.data, comment=form.comment.data or "")) is not FAILED:
            flash(_("Assessment saved."), "success")
            return redirect(url_for("assessments.record", user_id=assessment.user_id, year=assessment.year))
    extras = quarter_extras(current_user, assessment.user, assessment.year, assessment.period)
    return render_template("assessments/edit.html", form=form, delete_form=delete_form, assessment=assessment,
                           extras=extras), (400 if form.errors or form.form_errors else 200)


@bp.post("/<int:assessment_id>/delete")
@login_required
def delete(assessment_id: int):
    assessment = _assessment_or_404(assessment_id)
    user_id, year = assessment.user_id, assessment.year
    delete_form = DeleteAssessmentForm()
    if delete_form.validate_on_submit() and save_form(delete_form, lambda: services.delete_assessment(
            current_user, assessment, reason=delete_form.reason.data)) is not FAILED:
        flash(_("Assessment deleted."), "success")
        return redirect(url_for("assessments.record", user_id=user_id, year=year))
    form = EditAssessmentForm()
    form.grade.data = assessment.grade.value
    form.comment.data = assessment.comment
    return render_template("assessments/edit.html", form=form, delete_form=delete_form, assessment=assessment), 400
