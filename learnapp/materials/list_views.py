"""Reading-list administration: lists by year, a list's items, assignments and the progress of the
people it is assigned to (only those the viewer may see), with a CSV export. Admins change lists
in their scope; auditors read."""

from __future__ import annotations

import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_

from learnapp import clock, spreadsheets
from learnapp.accounts.models import Stage, User
from learnapp.audit.exports import record_export
from learnapp.db import db
from learnapp.errors import FAILED, save_action, save_form
from learnapp.materials import books, list_queries, queries
from learnapp.materials import lists as list_services
from learnapp.materials.blueprint import bp
from learnapp.materials.forms import AssignmentForm, ItemForm, ReadingListForm
from learnapp.materials.models import (
    ReadingList,
    ReadingListAssignment,
    ReadingListItem,
    ReadingProgress,
)
from learnapp.org.models import Branch
from learnapp.org.queries import active_branches_by_path
from learnapp.security import (
    can_read_reports,
    get_or_404,
    is_branch_admin,
    is_committee_admin,
    managed_branches,
    require_role,
)
from learnapp.web import format_credit

PER_PAGE = 50
EXPORT_LIMIT = 20_000


def _readable_or_404(list_id: int) -> ReadingList:
    rl = list_queries.readable_list(current_user, list_id)
    if rl is None:
        abort(404)
    return rl


def _manageable_or_404(list_id: int) -> ReadingList:
    """Out of the actor's scope: 404; readable but not theirs to change (e.g. the committee's): 403."""
    rl = _readable_or_404(list_id)
    if not list_services.can_manage_list(current_user, rl):
        abort(403)
    return rl


def _owner_choices() -> list[tuple[int, str]]:
    choices = [(0, str(_l("The committee (whole organisation)")))] if is_committee_admin(current_user) else []
    branches = active_branches_by_path(managed_branches(current_user))
    return choices + [(b.id, b.name) for b in branches if b.parent_id is not None]


def _branch_choices(rl: ReadingList) -> list[tuple[int, str]]:
    choices = [(0, str(_l("The whole committee")))] if rl.owner_branch is None and is_committee_admin(current_user) else []
    scope = managed_branches(current_user)
    if rl.owner_branch is not None:
        scope = and_(scope, Branch.path.startswith(rl.owner_branch.path))
    return choices + [(b.id, b.name) for b in active_branches_by_path(scope)]


@bp.get("/reading/lists/")
@require_role(can_read_reports)
def lists():
    year = queries.parse_year(request.args.get("year"))
    rows = list_queries.lists_of_year(current_user, year)
    years = list_queries.list_years(clock.today().year)
    return render_template("materials/lists.html", rows=rows, year=year, years=years,
                           can_create=is_branch_admin(current_user),
                           manageable={rl.id for rl in rows if list_services.can_manage_list(current_user, rl)})


@bp.route("/reading/lists/new", methods=["GET", "POST"])
@require_role(is_branch_admin)
def list_create():
    form = ReadingListForm()
    form.owner_branch_id.choices = _owner_choices()
    if request.method == "GET":
        form.year.data = clock.today().year
        form.active.data = True
    if form.validate_on_submit():
        owner = db.session.get(Branch, form.owner_branch_id.data) if form.owner_branch_id.data else None
        rl = save_form(form, lambda: list_services.create_list(current_user, form.slug.data, list_services.ListData(
            title=form.title.data, year=form.year.data, description=form.description.data or "",
            active=form.active.data), owner))
        if rl is not FAILED:
            flash(_("Reading list created. Now add its materials and say who it is for."), "success")
            return redirect(url_for("materials.list_detail", list_id=rl.id))
    return render_template("materials/list_form.html", form=form, rl=None)


@bp.route("/reading/lists/<int:list_id>/edit", methods=["GET", "POST"])
@require_role(is_branch_admin)
def list_edit(list_id: int):
    rl = _manageable_or_404(list_id)
    form = ReadingListForm(obj=rl if request.method == "GET" else None)
    form.slug.data = rl.slug
    form.owner_branch_id.choices = [(rl.owner_branch_id or 0, rl.owner_branch.name if rl.owner_branch else str(_l("The committee (whole organisation)")))]
    form.owner_branch_id.data = rl.owner_branch_id or 0
    if form.validate_on_submit():
        if save_form(form, lambda: list_services.update_list(current_user, rl, list_services.ListData(
                title=form.title.data, year=form.year.data, description=form.description.data or "",
                active=form.active.data))) is not FAILED:
            flash(_("Saved."), "success")
            return redirect(url_for("materials.list_detail", list_id=rl.id))
    return render_template("materials/list_form.html", form=form, rl=rl)


def _progress_rows(rl: ReadingList, people: list[User]) -> list[dict]:
    """Per person: items done (a book: when every published chapter is credited), time and credit
    on the list's materials (a book's: its chapters')."""
    items = [item for item in rl.items if item.material.is_published]
    chapters = books.chapters_by_book({item.material_id for item in items if item.material.is_book})
    parts = {item.material_id: ([c.id for c in chapters[item.material_id]] if item.material.is_book
                                else [item.material_id]) for item in items}
    material_ids = sorted({mid for ids in parts.values() for mid in ids})
    progress = list_queries.progress_of([p.id for p in people], rl.year, material_ids)
    by_user: dict[int, list[ReadingProgress]] = {}
    for p in progress:
        by_user.setdefault(p.user_id, []).append(p)
    rows = []
    for person in people:
        mine = by_user.get(person.id, [])
        completed = {p.material_id for p in mine if p.completed_at is not None}
        done = [item for item in items if parts[item.material_id] and set(parts[item.material_id]) <= completed]
        rows.append({
            "person": person, "required_done": sum(1 for item in done if item.required),
            "required_total": sum(1 for item in items if item.required),
            "done": len(done), "total": len(items), "seconds": sum(p.active_seconds for p in mine),
            "credit": sum(p.granted_hundredths for p in mine),
        })
    return rows


@bp.get("/reading/lists/<int:list_id>")
@require_role(can_read_reports)
def list_detail(list_id: int):
    rl = _readable_or_404(list_id)
    page = list_queries.list_people_page(rl, current_user, request.args.get("page", 1, type=int), PER_PAGE)
    can_manage = list_services.can_manage_list(current_user, rl)
    item_form = assignment_form = None
    if can_manage:
        item_form = ItemForm()
        assignment_form = AssignmentForm()
        assignment_form.branch_id.choices = _branch_choices(rl)
    return render_template("materials/list_detail.html", rl=rl, page=page, rows=_progress_rows(rl, list(page.items)),
                           can_manage=can_manage, item_form=item_form, assignment_form=assignment_form,
                           today=clock.today(),
                           book_chapters=books.chapters_by_book({i.material_id for i in rl.items if i.material.is_book}))


@bp.get("/reading/lists/<int:list_id>/progress.csv")
@require_role(can_read_reports)
def list_progress_csv(list_id: int):
    rl = _readable_or_404(list_id)
    people = list_queries.list_people_upto(rl, current_user, EXPORT_LIMIT)
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese correctly only with a BOM
    writer = spreadsheets.csv_writer(out)
    writer.writerow([_("Login ID"), _("Name"), _("Branch"), _("Stage"), _("Required readings done"), _("Required readings"),
                     _("All readings done"), _("Readings"), _("Reading time (min)"), _("Reading credit (学时)")])
    for row in _progress_rows(rl, people):
        person = row["person"]
        writer.writerow([person.login_id, person.name, person.branch.name, person.stage.label, row["required_done"],
                         row["required_total"], row["done"], row["total"], row["seconds"] // 60, format_credit(row["credit"])])
    filename = f"reading-list-{rl.slug}-{clock.today().isoformat()}.csv"
    record_export(current_user, "reading_progress", rl, branch=rl.owner_branch, summary=filename, rows=len(people))
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/reading/lists/<int:list_id>/items")
@require_role(is_branch_admin)
def list_item_add(list_id: int):
    rl = _manageable_or_404(list_id)
    form = ItemForm()
    if form.validate_on_submit():
        material = list_queries.material_named(form.material.data)
        if material is None or not material.is_published:
            flash(_("No published material with this slug or title: %(text)s", text=form.material.data), "error")
        else:
            save_action(lambda: list_services.set_item(current_user, rl, material, required=form.required.data,
                                                       due_on=form.due_on.data), success=_("Item saved."), joined=True)
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("materials.list_detail", list_id=rl.id))


@bp.post("/reading/lists/<int:list_id>/items/<int:item_id>/remove")
@require_role(is_branch_admin)
def list_item_remove(list_id: int, item_id: int):
    rl = _manageable_or_404(list_id)
    item = get_or_404(ReadingListItem, item_id, lambda i: i.reading_list_id == rl.id)
    list_services.remove_item(current_user, rl, item)
    flash(_("Item removed."), "success")
    return redirect(url_for("materials.list_detail", list_id=rl.id))


@bp.post("/reading/lists/<int:list_id>/assignments")
@require_role(is_branch_admin)
def list_assign(list_id: int):
    rl = _manageable_or_404(list_id)
    form = AssignmentForm()
    form.branch_id.choices = _branch_choices(rl)
    if form.validate_on_submit():
        branch = db.session.get(Branch, form.branch_id.data) if form.branch_id.data else None
        stage = Stage(form.stage.data) if form.stage.data else None
        save_action(lambda: list_services.add_assignment(current_user, rl, branch, stage),
                    success=_("Assignment added."), joined=True)
    else:
        flash(_("Choose a branch you manage."), "error")
    return redirect(url_for("materials.list_detail", list_id=rl.id))


@bp.post("/reading/lists/<int:list_id>/assignments/<int:assignment_id>/remove")
@require_role(is_branch_admin)
def list_unassign(list_id: int, assignment_id: int):
    rl = _manageable_or_404(list_id)
    assignment = get_or_404(ReadingListAssignment, assignment_id, lambda a: a.reading_list_id == rl.id)
    list_services.remove_assignment(current_user, rl, assignment)
    flash(_("Assignment removed."), "success")
    return redirect(url_for("materials.list_detail", list_id=rl.id))
