"""People administration: list, person page, create, edit, (de)activation, password reset.

Branch admins see and manage the people of their subtree, committee admins everyone, auditors read
only. A person outside the actor's subtree answers 404, so a tampered URL reveals nothing.
Roles and contacts are in people_roles_views.py, the roster import in roster_views.py. The stage is
not edited here: it is derived from the steps of the development procedure (learnapp.development).
"""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp import clock
from learnapp.accounts import (
    passwords,
    people_roles_views,
    profile,
    queries,
    roster_views,
    services,
    stage_history,
)
from learnapp.accounts.forms import (
    EmptyForm,
    PeopleFilterForm,
    PersonEditForm,
    PersonForm,
    set_profile_choices,
    stage_choices,
)
from learnapp.accounts.models import STAGE_CHINESE, Stage, User
from learnapp.accounts.people_blueprint import bp
from learnapp.accounts.permissions import (
    can_manage_user,
    can_read_reports,
    can_view_branch,
    get_managed_user_or_404,
    get_or_404,
    get_visible_branch_or_404,
    is_branch_admin,
    managed_branches,
    require_role,
    visible_branches,
)
from learnapp.accounts.person_fields import birth_date_text, ethnicities
from learnapp.accounts.person_links import links_for, panels_for
from learnapp.accounts.roster_files import XLSX_MIMETYPE, people_xlsx
from learnapp.audit.exports import record_export
from learnapp.db import db
from learnapp.errors import FAILED, DomainError, save_action, save_form
from learnapp.extensions import remote_address
from learnapp.org.models import Branch
from learnapp.org.queries import branch_choices, full_names

__all__ = ["bp", "people_roles_views", "roster_views"]
PER_PAGE = 50


def get_person_or_404(user_id: int) -> User:
    """A person of a branch the actor administers or audits, or 404."""
    return get_or_404(User, user_id, lambda user: can_view_branch(current_user, user.branch))


def _filters() -> tuple[PeopleFilterForm, queries.PeopleFilter]:
    form = PeopleFilterForm(request.args)
    form.branch.choices = [(0, _("All branches"))] + branch_choices(visible_branches(current_user), active_only=False)
    form.stage.choices = [("", _("All stages"))] + stage_choices()
    filters = queries.PeopleFilter(q=(form.q.data or "").strip()[:80])
    branch_id = request.args.get("branch", type=int)
    if branch_id:
        branch = get_visible_branch_or_404(current_user, branch_id)
        filters.branch = branch
    if form.stage.data in {s.value for s in Stage}:
        filters.stage = Stage(form.stage.data)
    if form.active.data in ("active", "inactive", "all"):
        filters.active = form.active.data
    return form, filters


def _filter_args(form: PeopleFilterForm) -> dict:
    args = {"q": form.q.data or None, "branch": form.branch.data or None, "stage": form.stage.data or None,
            "active": form.active.data or None}
    return {k: v for k, v in args.items() if v}


@bp.get("/")
@require_role(can_read_reports)
def index():
    form, filters = _filters()
    page = queries.people_page(current_user, filters, request.args.get("page", 1, type=int), PER_PAGE)
    return render_template("people/list.html", form=form, page=page, names=full_names(),
                           filter_args=_filter_args(form), can_manage=is_branch_admin(current_user))


@bp.get("/export.xlsx")
@require_role(can_read_reports)
def export():
    """The filtered list in the roster's columns: edit it and import it back with 'update existing'."""
    form, filters = _filters()
    names = full_names()
    people = queries.people_to_export(current_user, filters)
    status = {True: _("Active"), False: _("Deactivated")}
    rows = []
    for u in people:
        since = stage_history.stage_since(u)
        rows.append([
            u.name, u.login_id, names.get(u.branch_id, ""), STAGE_CHINESE[u.stage], u.phone or "", u.email or "",
            since.isoformat() if since else "", u.gender or "", u.ethnicity or "", birth_date_text(u), u.education or "",
            u.job_category or "", u.department or "", status[u.active]])
    # The register facts under the headings the import reads, so the file can be edited and imported back.
    data = people_xlsx(rows, ["性别", "民族", "出生年月", "学历", "岗位类别", "工作单位及职务", _("Status")])
    filename = f"people-{clock.today().isoformat()}.xlsx"
    record_export(current_user, "people", ("users", None),
                  branch=filters.branch, summary=filename, filters=_filter_args(form), rows=len(rows))
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename)


@bp.get("/<int:user_id>")
@require_role(can_read_reports)
def detail(user_id: int):
    person = get_person_or_404(user_id)
    manage = can_manage_user(current_user, person)
    grants = queries.grants_of(person)
    return render_template(
        "people/detail.html", person=person, manage=manage, names=full_names(), grants=grants,
        revocable={g.id for g in grants if services.can_change_grant(current_user, g.role, g.branch)},
        contacts=queries.contacts_of(person), learners=queries.learners_of(person),
        links=links_for(current_user, person), panels=panels_for(current_user, person),
        since=stage_history.stage_since(person), form=EmptyForm(), birth_date=birth_date_text(person),
    )


def _person_branch_choices(form) -> None:
    form.branch_id.choices = branch_choices(managed_branches(current_user))
    set_profile_choices(form)


def _profile_values(form) -> dict:
    return {name: getattr(form, name).data for name in profile.PROFILE_FIELDS}


def _keep_recorded_choices(form, person: User) -> None:
    """A value recorded before the configured lists changed stays selectable (and is kept on save)."""
    for name in ("education", "job_category"):
        value = getattr(person, name)
        field = getattr(form, name)
        if value and value not in {c.value for c in field.choices}:
            field.choices = [*field.choices, (value, value)]


@bp.route("/new", methods=["GET", "POST"])
@require_role(is_branch_admin)
def create():
    form = PersonForm()
    _person_branch_choices(form)
    form.stage.choices = stage_choices()
    if request.method == "GET":
        form.branch_id.data = request.args.get("branch", type=int)
        form.stage.data = Stage.applicant.value
    if form.validate_on_submit():
        branch = db.session.get(Branch, form.branch_id.data)
        created = save_form(form, lambda: _create_person(form, branch))
        if created is not FAILED:
            user, password = created
            # Shown once, in this response only: the password is stored nowhere in plain text.
            return render_template("people/password.html", person=user, password=password, created=True)
    return render_template("people/form.html", form=form, person=None, ethnicities=ethnicities())


def _create_person(form, branch):
    """Create the person with their register facts; every wrong field of either part named at once."""
    _clean, reasons = profile.check_profile(_profile_values(form))
    try:
        user, password = services.create_user(
            current_user, login_id=form.login_id.data, name=form.name.data, branch=branch, stage=form.stage.data,
            phone=form.phone.data, email=form.email.data, stage_since=form.stage_since.data)
    except DomainError as exc:
        raise DomainError(exc.reasons + reasons) from None
    if reasons:
        raise DomainError(reasons)
    profile.update_profile(current_user, user, **_profile_values(form))
    return user, password


def _update_person(form, person: User, branch) -> None:
    reasons = []
    try:
        services.update_user(current_user, person, name=form.name.data, branch=branch, phone=form.phone.data,
                             email=form.email.data, login_id=form.login_id.data)
    except DomainError as exc:
        reasons.extend(exc.reasons)
    try:
        profile.update_profile(current_user, person, **_profile_values(form))
    except DomainError as exc:
        reasons.extend(exc.reasons)
    if reasons:
        raise DomainError(reasons)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@require_role(is_branch_admin)
def edit(user_id: int):
    person = get_managed_user_or_404(current_user, user_id)
    form = PersonEditForm(obj=person)
    _person_branch_choices(form)
    if person.branch_id not in {c.value for c in form.branch_id.choices}:
        form.branch_id.choices = [(person.branch_id, person.branch.name), *form.branch_id.choices]  # a deactivated branch
    _keep_recorded_choices(form, person)
    if request.method == "GET":
        form.birth_date.data = birth_date_text(person)  # keeps "year-month only" visible as 1990.05
        form.gender.data, form.education.data, form.job_category.data = (
            person.gender or "", person.education or "", person.job_category or "")
    if form.validate_on_submit():
        branch = db.session.get(Branch, form.branch_id.data)
        if save_form(form, lambda: _update_person(form, person, branch)) is not FAILED:
            flash(_("The details of %(name)s were saved.", name=person.name), "success")
            return redirect(url_for("people.detail", user_id=person.id))
    return render_template("people/form.html", form=form, person=person, ethnicities=ethnicities())


@bp.post("/<int:user_id>/deactivate")
@require_role(is_branch_admin)
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/<int:user_id>/activate")
@require_role(is_branch_admin)
def activate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    person = get_managed_user_or_404(current_user, user_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if save_action(lambda: services.set_active(current_user, person, active), joined=True) is not FAILED:
        if active:
            flash(_("%(name)s can log in again.", name=person.name), "success")
        else:
            flash(_("%(name)s was deactivated and logged out everywhere.", name=person.name), "success")
    return redirect(url_for("people.detail", user_id=person.id))


@bp.post("/<int:user_id>/password")
@require_role(is_branch_admin)
def reset_password(user_id: int):
    person = get_managed_user_or_404(current_user, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    password = save_action(lambda: passwords.reset_password(current_user, person, address=remote_address()), joined=True)
    if password is FAILED:
        return redirect(url_for("people.detail", user_id=person.id))
    return render_template("people/password.html", person=person, password=password, created=False)
