"""Plan against actual (/planning/), the people counted, the forecast and the plans' versions.

Readers (admins of a branch and auditors) see their subtree; a branch outside it is 404. Branch
admins propose the plan of a branch they administer, the committee sets and approves plans.
"""

from __future__ import annotations

import io
from urllib.parse import quote

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp import clock
from learnapp.audit.exports import record_export
from learnapp.db import db
from learnapp.errors import FAILED, save_action, save_form
from learnapp.org.models import Branch
from learnapp.org.queries import branch_choices, full_names
from learnapp.planning import actuals, charts, exports, forecast, services
from learnapp.planning.blueprint import bp
from learnapp.planning.categories import categories
from learnapp.planning.forms import ApproveForm, plan_form
from learnapp.planning.models import DevelopmentPlan, PlanStatus
from learnapp.security import (
    branch_ids_under,
    can_manage_branch,
    can_read_reports,
    can_view_branch,
    get_or_404,
    get_visible_branch_or_404,
    is_committee_admin,
    read_paths,
    require_role,
    visible_branches,
)


def _branch() -> Branch:
    """The branch of the query string (outside the actor's scope: 404), else the top of their scope."""
    branch_id = request.args.get("branch", type=int)
    if branch_id:
        return get_visible_branch_or_404(current_user, branch_id)
    top = min(read_paths(current_user), key=len)
    return db.session.get(Branch, int(top.strip("/").split("/")[-1]))


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year in services.year_range() else clock.today().year


def _common(branch: Branch, year: int) -> dict:
    return {"branch": branch, "year": year, "years": list(reversed(services.year_range())), "names": full_names(),
            "branches": branch_choices(visible_branches(current_user), active_only=False),
            "categories": categories(), "measures": actuals.MEASURE_LABELS}


@bp.get("/")
@require_role(can_read_reports)
def index():
    branch, year = _branch(), _year()
    total, rows, _found = actuals.rows_for(branch, year)
    proposals = (services.pending_proposals(branch_ids_under([branch.path]), year)
                 if is_committee_admin(current_user) else [])
    chart, composition_chart = charts.page_charts(total, rows)
    return render_template("planning/index.html", total=total, rows=rows, proposals=proposals, chart=chart,
                           composition_chart=composition_chart,
                           so_far=year == clock.today().year, can_plan=can_manage_branch(current_user, branch),
                           **_common(branch, year))


@bp.get("/export.xlsx")
@require_role(can_read_reports)
def export():
    """Plan against actual of the branch's subtree as XLSX (audited)."""
    branch, year = _branch(), _year()
    total, rows, _found = actuals.rows_for(branch, year)
    label = full_names().get(branch.id) or branch.name
    data = exports.plan_xlsx(total, rows, year, _("Development plan %(year)d: %(branch)s", year=year, branch=label))
    name = f"发展计划-{year}-{branch.name}.xlsx"
    record_export(current_user, "development_plan", ("branches", branch.id), branch=branch, summary=name, year=year,
                  branch_id=branch.id, rows=len(rows) + 1)
    response = send_file(io.BytesIO(data), mimetype=exports.XLSX_MEDIA_TYPE)
    response.headers.set("Content-Disposition", "attachment", filename=f"development-plan-{year}.xlsx",
                         **{"filename*": "UTF-8''" + quote(name, safe="!#$&+-.^_`|~")})
    return response


@bp.get("/people")
@require_role(can_read_reports)
def people():
    """The people counted for one measure (and composition category) of the branch's subtree."""
    branch, year = _branch(), _year()
    measure = request.args.get("measure", "developed")
    if measure not in actuals.MEASURES:
        abort(404)
    items = actuals.counted(branch, year)[measure]
    category = None
    code = request.args.get("category")
    if code:
        category = next((c for c in categories() if c.code == code and measure == "developed"), None)
        if category is None:
            abort(404)
        items = actuals.in_category(items, category)
    return render_template("planning/people.html", items=items, measure=measure, category=category,
                           **_common(branch, year))


@bp.get("/forecast")
@require_role(can_read_reports)
def forecast_page():
    branch = _branch()
    today = clock.today()
    total, _rows, _found = actuals.rows_for(branch, today.year)
    found = forecast.candidates(branch, today.year, today)
    on_course = sum(1 for c in found if c.on_course)
    return render_template("planning/forecast.html", candidates=found, total=total, on_course=on_course,
                           expected=total.developed + on_course, today=today, **_common(branch, today.year))


def _plan_branch(branch_id: int, year: int) -> Branch:
    branch = get_visible_branch_or_404(current_user, branch_id)
    if year not in services.year_range():
        abort(404)
    return branch


@bp.get("/branches/<int:branch_id>/<int:year>")
@require_role(can_read_reports)
def plan(branch_id: int, year: int):
    """Every version of a branch's plan for the year, with the committee's approval of a proposal."""
    branch = _plan_branch(branch_id, year)
    versions = services.versions(branch, year)
    return render_template("planning/plan.html", versions=versions, approve_form=ApproveForm(),
                           can_approve=is_committee_admin(current_user), can_plan=can_manage_branch(current_user, branch),
                           PlanStatus=PlanStatus, **_common(branch, year))


@bp.route("/branches/<int:branch_id>/<int:year>/edit", methods=["GET", "POST"])
@require_role(can_read_reports)
def edit(branch_id: int, year: int):
    """The committee sets the plan; a branch's admin proposes it."""
    branch = _plan_branch(branch_id, year)
    if not can_manage_branch(current_user, branch):
        abort(403)
    committee = is_committee_admin(current_user)
    form = plan_form()
    if request.method == "GET":
        latest = next(iter(services.versions(branch, year)), None)
        if latest:
            form.planned.data = latest.planned
            for code, number in (latest.targets or {}).items():
                if hasattr(form, f"target_{code}"):
                    getattr(form, f"target_{code}").data = number
    action = services.set_plan if committee else services.propose_plan
    if form.validate_on_submit() and save_form(
            form, lambda: action(current_user, branch, year, form.planned.data, form.targets(), form.note.data)) is not FAILED:
        flash(_("Plan saved.") if committee else _("Plan proposed: the committee will approve it."), "success")
        return redirect(url_for("planning.plan", branch_id=branch.id, year=year))
    return render_template("planning/edit.html", form=form, committee=committee, **_common(branch, year)), \
        (400 if form.errors else 200)


@bp.post("/plans/<int:plan_id>/approve")
@require_role(is_committee_admin)
def approve(plan_id: int):
    item = get_or_404(DevelopmentPlan, plan_id, lambda p: can_view_branch(current_user, p.branch))
    form = ApproveForm()
    if not form.validate_on_submit():
        abort(400)
    save_action(lambda: services.approve_plan(current_user, item, form.note.data), success=_("Plan approved."))
    return redirect(url_for("planning.plan", branch_id=item.branch_id, year=item.year))
