"""Activities of branches: schedule, roster ticking, sign-in sheets, the check-in code screen."""

from __future__ import annotations

import io

import segno
from flask import (
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from learnapp import clock
from learnapp.accounts.forms import EmptyForm
from learnapp.audit.exports import record_export
from learnapp.db import db
from learnapp.errors import FAILED, save_action, save_form, try_save
from learnapp.external import external_url
from learnapp.ledger import activities, checkin, sheets
from learnapp.ledger.blueprint import bp
from learnapp.ledger.forms import ActivityForm, RosterForm, SheetForm
from learnapp.ledger.offline_credit import compute_credit
from learnapp.ledger.offline_models import Activity
from learnapp.ledger.schedule import make_schedule
from learnapp.org import queries as org_queries
from learnapp.org.models import Branch
from learnapp.security import (
    can_manage_branch,
    get_or_404,
    is_branch_admin,
    managed_branches,
    require_role,
)


def _managed_activity_or_404(activity_id: int) -> Activity:
    return get_or_404(Activity, activity_id, lambda a: can_manage_branch(current_user, a.branch))


def _branch_choices() -> list[tuple[int, str]]:
    branches = org_queries.active_branches_by_path(managed_branches(current_user))
    return [(b.id, "　" * max(0, b.depth) + b.name) for b in branches]


@bp.get("/activities")
@require_role(is_branch_admin)
def activities_list():
    show = request.args.get("show", "recent")
    rows = activities.activities_to_list(current_user, None if show == "all" else clock.today().replace(month=1, day=1))
    return render_template("ledger/activities.html", rows=rows, show=show, today=clock.today(),
                           managed={a.id for a, _n in rows if can_manage_branch(current_user, a.branch)})


def _form_values(form: ActivityForm):
    schedule = make_schedule(form.start_date.data, form.start_time.data, form.end_time.data, form.end_date.data)
    audience = [db.session.get(Branch, i) for i in form.audience.data]
    return schedule, [b for b in audience if b is not None]


@bp.route("/activities/new", methods=["GET", "POST"])
@require_role(is_branch_admin)
def new_activity():
    form = ActivityForm()
    form.branch_id.choices = form.audience.choices = _branch_choices()
    if request.method == "GET":
        form.start_date.data = clock.today()
        if form.branch_id.choices:
            form.branch_id.data = form.branch_id.choices[0].value
            form.audience.data = [form.branch_id.choices[0].value]
    if form.validate_on_submit():

        def create():
            schedule, audience = _form_values(form)
            branch = db.session.get(Branch, form.branch_id.data)
            return activities.create_activity(
                current_user, branch=branch, category=form.category.data, title=form.title.data, schedule=schedule,
                place=form.place.data, organiser=form.organiser.data, description=form.description.data,
                audience=audience, stages=form.stages.data or [])

        activity = save_form(form, create)
        if activity is not FAILED:
            flash(_("Activity scheduled."), "success")
            return redirect(url_for("ledger.activity", activity_id=activity.id))
    return render_template("ledger/activity_form.html", form=form, activity=None)


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@require_role(is_branch_admin)
def edit_activity(activity_id: int):
    activity = _managed_activity_or_404(activity_id)
    form = ActivityForm(obj=activity)
    form.branch_id.choices = [(activity.branch_id, activity.branch.name)]
    form.audience.choices = _branch_choices()
    if request.method == "GET":
        form.audience.data = [b.id for b in activity.audience_branches]
        form.stages.data = activity.stages
    if form.validate_on_submit():

        def update():
            schedule, audience = _form_values(form)
            activities.update_activity(current_user, activity, category=form.category.data, title=form.title.data,
                                       schedule=schedule, place=form.place.data, organiser=form.organiser.data,
                                       description=form.description.data, audience=audience,
                                       stages=form.stages.data or [])

        if save_form(form, update) is not FAILED:
            flash(_("Activity saved."), "success")
            return redirect(url_for("ledger.activity", activity_id=activity.id))
    return render_template("ledger/activity_form.html", form=form, activity=activity)


@bp.get("/activities/<int:activity_id>")
@require_role(is_branch_admin)
def activity(activity_id: int):
    item = db.session.get(Activity, activity_id)
    if (item is not None and not can_manage_branch(current_user, item.branch)
            and activities.attended_by_members(current_user, item)):
        # Another branch's activity (the committee's lecture) that the admin's people attended.
        return render_template("ledger/activity_attended.html", activity=item,
                               people=activities.members_present_rows(item, current_user),
                               credit=sum(p.credit for p in compute_credit(item.category, item.schedule)))
    item = _managed_activity_or_404(activity_id)
    people = activities.roster_rows(item, current_user)
    portions = compute_credit(item.category, item.schedule)
    return render_template("ledger/activity.html", activity=item, people=people, portions=portions,
                           credit=sum(p.credit for p in portions), roster_form=RosterForm(), sheet_form=SheetForm(),
                           empty_form=EmptyForm(), started=item.start_date <= clock.today(),
                           present=activities.attendance_count(item))


@bp.post("/activities/<int:activity_id>/attendance")
@require_role(is_branch_admin)
def record_attendance(activity_id: int):
    item = _managed_activity_or_404(activity_id)
    form = RosterForm()
    if form.validate_on_submit():
        ids = {int(i) for i in request.form.getlist("present") if i.isdigit()}
        changes = save_action(lambda: activities.record_roster(current_user, item, ids, form.reason.data), joined=True)
        if changes is not FAILED:
            added = sum(1 for c in changes if c.present)
            flash(_("Attendance saved: %(added)d marked present, %(removed)d corrected to absent.", added=added,
                    removed=len(changes) - added), "success")
    return redirect(url_for("ledger.activity", activity_id=activity_id))


@bp.get("/activities/<int:activity_id>/sheet.xlsx")
@require_role(is_branch_admin)
def sheet_template(activity_id: int):
    item = _managed_activity_or_404(activity_id)
    data = sheets.template(item, current_user)
    record_export(current_user, "sign_in_sheet", item, branch=item.branch, summary=item.title)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"sign-in-{item.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.post("/activities/<int:activity_id>/sheet")
@require_role(is_branch_admin)
def upload_sheet(activity_id: int):
    item = _managed_activity_or_404(activity_id)
    form = SheetForm()
    if not form.validate_on_submit():
        flash(_("Choose the XLSX file."), "error")
        return redirect(url_for("ledger.activity", activity_id=activity_id))
    changes, refused = try_save(lambda: sheets.import_sheet(current_user, item, form.file.data.read(sheets.MAX_SHEET_BYTES + 1)))
    if refused is not None:
        for message in refused.messages[:30]:
            flash(message, "error")
        flash(_("Nothing was recorded: correct the sheet and upload it again."), "error")
    else:
        flash(_("Sign-in sheet recorded: %(n)d more people marked present.", n=len(changes)), "success")
    return redirect(url_for("ledger.activity", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/cancel")
@require_role(is_branch_admin)
def cancel_activity(activity_id: int):
    item = _managed_activity_or_404(activity_id)
    if EmptyForm().validate_on_submit():
        save_action(lambda: activities.cancel_activity(current_user, item), success=_("The activity was cancelled."),
                    joined=True)
    return redirect(url_for("ledger.activity", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/code")
@require_role(is_branch_admin)
def new_code(activity_id: int):
    """Rotate the check-in code: the old code and QR links stop working, a lock is lifted (audited)."""
    item = _managed_activity_or_404(activity_id)
    if EmptyForm().validate_on_submit():
        save_action(lambda: checkin.rotate_code(current_user, item),
                    success=_("A new check-in code was made; the old one no longer works."))
    return redirect(url_for("ledger.checkin_screen", activity_id=activity_id))


@bp.get("/activities/<int:activity_id>/screen")
@require_role(is_branch_admin)
def checkin_screen(activity_id: int):
    """Shown on the projector during the activity: the code, a QR link that renews itself, and
    how many have checked in."""
    item = _managed_activity_or_404(activity_id)
    return render_template("ledger/checkin_screen.html", activity=item, present=activities.attendance_count(item),
                           empty_form=EmptyForm(), checkin_url=external_url("ledger.checkin"),
                           qr_refresh_seconds=current_app.config["CHECKIN_QR_REFRESH_SECONDS"],
                           locked=item.checkin_locked_at is not None)


@bp.get("/activities/<int:activity_id>/qr.svg")
@require_role(is_branch_admin)
def checkin_qr(activity_id: int):
    """The QR code of a fresh check-in link (the projector asks again every half minute)."""
    item = _managed_activity_or_404(activity_id)
    url = external_url("ledger.checkin_link", token=checkin.qr_token(item))
    svg = io.BytesIO()
    # A white quiet zone: phones read it off a dark projector screen too.
    segno.make(url, error="m").save(svg, kind="svg", scale=8, border=2, light="#fff", xmldecl=False)
    response = Response(svg.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/activities/<int:activity_id>/count.json")
@require_role(is_branch_admin)
def checkin_count(activity_id: int):
    item = _managed_activity_or_404(activity_id)
    return jsonify({"present": activities.attendance_count(item)})
