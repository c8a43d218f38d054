"""Content administration: materials list (drafts too), create and edit with preview, publish,
version history and restore, attachments. Committee admins change; auditors read."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp.errors import FAILED, save_action, save_form
from learnapp.materials import media, queries, services, uploads
from learnapp.materials.blueprint import bp
from learnapp.materials.forms import AttachmentForm, MaterialForm
from learnapp.materials.models import (
    Attachment,
    Material,
    MaterialKind,
    MaterialStatus,
)
from learnapp.materials.rendering import count_characters, render_markdown
from learnapp.security import get_or_404, is_committee_admin, require_role
from learnapp.web import large_body

PER_PAGE = 30


def _material_or_404(material_id: int) -> Material:
    return get_or_404(Material, material_id)


def _data_from(form: MaterialForm) -> services.MaterialData:
    return services.MaterialData(
        title=form.title.data or "", summary=form.summary.data or "", body=form.body.data or "",
        kind=form.kind.data, source=form.source.data or "", estimated_minutes=form.estimated_minutes.data or 0,
        external_url=form.external_url.data or None, status=form.status.data,
        tags=services.split_labels(form.tags.data), knowledge_points=services.split_labels(form.knowledge_points.data),
    )


def _fill(form: MaterialForm, material: Material) -> None:
    data = services.state_of(material)
    form.slug.data = material.slug
    form.title.data, form.summary.data, form.body.data = data.title, data.summary, data.body
    form.kind.data, form.source.data, form.estimated_minutes.data = str(data.kind), data.source, data.estimated_minutes
    form.external_url.data, form.status.data = data.external_url or "", str(data.status)
    form.tags.data, form.knowledge_points.data = "，".join(data.tags), "，".join(data.knowledge_points)


@bp.get("/materials/manage/")
@require_role(queries.sees_drafts)
def manage():
    q = (request.args.get("q") or "").strip()[:100]
    status = request.args.get("status") or None
    kind = request.args.get("kind") or None
    source = request.args.get("source") or None
    stmt = queries.search_materials(current_user, q, kind=kind, source=source, status=status)
    if not q:
        stmt = stmt.order_by(None).order_by(Material.status, Material.updated_at.desc(), Material.id.desc())
    page = queries.page_of(stmt, request.args.get("page", 1, type=int), PER_PAGE)
    queries.with_book_titles(page.items)
    return render_template("materials/manage.html", page=page, q=q, status=status, kind=kind, source=source,
                           kinds=list(MaterialKind), statuses=list(MaterialStatus), sources=queries.facet_sources(current_user),
                           can_edit=is_committee_admin(current_user))


def _preview(form: MaterialForm):
    return {"title": form.title.data or "", "summary": form.summary.data or "", "body": render_markdown(form.body.data),
            "characters": count_characters(form.body.data)}


@bp.route("/materials/manage/new", methods=["GET", "POST"])
@require_role(is_committee_admin)
def create():
    form = MaterialForm()
    if request.method == "GET":
        form.status.data = MaterialStatus.draft.value
        form.estimated_minutes.data = 10
        if request.args.get("kind") == MaterialKind.book.value:
            form.kind.data = MaterialKind.book.value  # "New book": its chapters are added on the book's page
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            preview = _preview(form)
        else:
            material = save_form(form, lambda: services.create_material(current_user, form.slug.data, _data_from(form), note=form.note.data or None))
            if material is not FAILED:
                flash(_("Material saved."), "success")
                if material.is_book:
                    return redirect(url_for("materials.book_admin", book_id=material.id))
                return redirect(url_for("materials.edit", material_id=material.id))
    return render_template("materials/form.html", form=form, material=None, preview=preview)


@bp.route("/materials/manage/<int:material_id>/edit", methods=["GET", "POST"])
@require_role(is_committee_admin)
def edit(material_id: int):
    material = _material_or_404(material_id)
    form = MaterialForm()
    if request.method == "GET":
        _fill(form, material)
    # The slug is the material's stable key (content files, addresses): never changed here.
    form.slug.data = material.slug
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            preview = _preview(form)
        else:
            changed = save_form(form, lambda: services.update_material(current_user, material, _data_from(form), note=form.note.data or None))
            if changed is not FAILED:
                flash(_("Saved as version %(n)d.", n=material.version) if changed else _("Nothing changed."), "success")
                return redirect(url_for("materials.edit", material_id=material.id))
    return render_template("materials/form.html", form=form, material=material, preview=preview,
                           attachment_form=AttachmentForm(), media_mb=media.media_max_bytes() // (1024 * 1024))


@bp.post("/materials/manage/<int:material_id>/status")
@require_role(is_committee_admin)
def set_status(material_id: int):
    material = _material_or_404(material_id)
    try:
        status = MaterialStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    if save_action(lambda: services.set_status(current_user, material, status), joined=True) is not FAILED:
        flash(_("Published.") if status is MaterialStatus.published else _("Withdrawn to draft."), "success")
    return redirect(request.form.get("next") if request.form.get("next") == url_for("materials.manage")
                    else url_for("materials.edit", material_id=material.id))


@bp.get("/materials/manage/<int:material_id>/history")
@require_role(queries.sees_drafts)
def history(material_id: int):
    material = _material_or_404(material_id)
    versions = queries.versions_of(material.id)
    return render_template("materials/history.html", material=material, versions=versions,
                           can_edit=is_committee_admin(current_user))


@bp.get("/materials/manage/<int:material_id>/versions/<int:version>")
@require_role(queries.sees_drafts)
def version(material_id: int, version: int):
    material = _material_or_404(material_id)
    snapshot = queries.version_of(material.id, version)
    if snapshot is None:
        abort(404)
    return render_template("materials/version.html", material=material, snapshot=snapshot,
                           body=render_markdown(snapshot.body), can_edit=is_committee_admin(current_user))


@bp.post("/materials/manage/<int:material_id>/versions/<int:version>/restore")
@require_role(is_committee_admin)
def restore(material_id: int, version: int):
    material = _material_or_404(material_id)
    snapshot = queries.version_of(material.id, version)
    if snapshot is None:
        abort(404)
    changed = save_action(lambda: services.restore_version(current_user, material, snapshot), joined=True)
    if changed is not FAILED:
        flash(_("Version %(old)d restored as version %(new)d.", old=version, new=material.version) if changed
              else _("This version is the same as the current one."), "success")
    return redirect(url_for("materials.history", material_id=material.id))


def _upload_limit() -> int:
    """The upload form's largest body: the largest media file and the form's other fields."""
    return media.media_max_bytes() + 1024 * 1024


@bp.post("/materials/manage/<int:material_id>/attachments")
@large_body(_upload_limit)
@require_role(is_committee_admin)
def upload(material_id: int):
    material = _material_or_404(material_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        if save_form(form, lambda: uploads.add_attachment(current_user, material, form.file.data.stream, form.file.data.filename or "")) is not FAILED:
            flash(_("Attachment added."), "success")
            return redirect(url_for("materials.edit", material_id=material.id))
    edit_form = MaterialForm()
    _fill(edit_form, material)
    return render_template("materials/form.html", form=edit_form, material=material, preview=None,
                           attachment_form=form, media_mb=media.media_max_bytes() // (1024 * 1024)), 400


@bp.post("/materials/manage/attachments/<int:attachment_id>/remove")
@require_role(is_committee_admin)
def remove_attachment(attachment_id: int):
    attachment = get_or_404(Attachment, attachment_id)
    uploads.remove_attachment(current_user, attachment)
    flash(_("Attachment removed."), "success")
    return redirect(url_for("materials.edit", material_id=attachment.material_id))
