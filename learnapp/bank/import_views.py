"""Import (upload → preview → confirm, all or nothing), export of a category, template downloads."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp.audit.exports import record_export
from learnapp.bank import access, formats, importing, queries, upload_store
from learnapp.bank.blueprint import bp
from learnapp.bank.formats import spreadsheet
from learnapp.bank.forms import ConfirmImportForm, ImportForm
from learnapp.bank.models import KIND_LABELS
from learnapp.errors import try_save
from learnapp.security import admin_paths, is_committee_admin, require, require_role

DEFAULT_MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _target_choices() -> list[tuple[int, str]]:
    choices = [(0, _("Top level of the committee's bank"))] if is_committee_admin(current_user) else []
    return choices + queries.category_options(current_user, editable=True)


def _can_import(actor) -> bool:
    """Administrators import (into banks they may change); auditors only read."""
    return bool(admin_paths(actor))


@bp.route("/import", methods=["GET", "POST"])
@require_role(_can_import)
def import_upload():
    """Step 1: choose a file and where it goes."""
    form = ImportForm()
    form.category_id.choices = _target_choices()
    require(bool(form.category_id.choices))
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(current_app.config.get("BANK_IMPORT_MAX_BYTES", DEFAULT_MAX_IMPORT_BYTES) + 1)
        limit = current_app.config.get("BANK_IMPORT_MAX_BYTES", DEFAULT_MAX_IMPORT_BYTES)
        fmt = form.format.data if form.format.data != "auto" else formats.detect(upload.filename or "", data)
        if len(data) > limit:
            form.file.errors.append(_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
        elif not data:
            form.file.errors.append(_("The file is empty."))
        elif fmt is None:
            form.file.errors.append(_("This is not a file the bank can read (GIFT, Aiken, Moodle XML, XLSX or CSV)."))
        elif not formats.content_matches(fmt, data):
            form.file.errors.append(_("The file's content does not match the format %(fmt)s.", fmt=fmt))
        else:
            if form.category_id.data:
                access.get_category_or_404(current_user, form.category_id.data, edit=True)
            # Parsed here, once: the preview and the confirmation read what the parser kept.
            parsed = formats.parse(data, fmt).to_plain()
            token = upload_store.store(parsed, {"user_id": current_user.id, "filename": (upload.filename or "")[:200],
                                                "format": fmt, "category_id": form.category_id.data or None})
            return redirect(url_for("bank.import_preview", token=token))
    return render_template("bank/import.html", form=form, formats=formats.FORMATS)


def _load(token: str):
    stored = upload_store.load(token, current_user.id)
    if stored is None:
        abort(404)
    parsed, meta = stored
    base = access.get_category_or_404(current_user, meta["category_id"], edit=True) if meta.get("category_id") else None
    if base is None and not is_committee_admin(current_user):
        abort(403)
    return parsed, meta, base


@bp.route("/import/<token>", methods=["GET", "POST"])
@require_role(_can_import)
def import_preview(token: str):
    """Step 2: what the file holds (per-question summary, unsupported kinds, duplicates, errors);
    step 3 (POST): write all of it, or nothing when there is any error."""
    parsed, meta, base = _load(token)
    result = formats.ParseResult.from_plain(parsed)
    form = ConfirmImportForm()
    if form.validate_on_submit():
        report, refused = try_save(lambda: importing.run(current_user, result, base, duplicates=form.duplicates.data,
                                                         filename=meta.get("filename", ""), fmt=meta["format"]))
        if refused is not None:
            flash("; ".join(refused.messages[:5]), "error")
            return redirect(url_for("bank.import_preview", token=token))
        upload_store.discard(token)
        return render_template("bank/import_report.html", report=report, meta=meta, base=base, kinds=KIND_LABELS)
    plan = importing.plan(result, base)
    return render_template("bank/import_preview.html", plan=plan, meta=meta, base=base, form=form, token=token,
                           kinds=KIND_LABELS, counts=plan.counts())


@bp.post("/import/<token>/cancel")
@require_role(_can_import)
def import_cancel(token: str):
    _load(token)
    upload_store.discard(token)
    flash(_("Import cancelled; nothing was written."), "success")
    return redirect(url_for("bank.import_upload"))


@bp.get("/template.<any(xlsx, csv):ext>")
@require_role(access.can_open_bank)
def template(ext: str):
    """The import template with Chinese headers, five example rows and (XLSX) instructions."""
    if ext == "xlsx":
        data = spreadsheet.write_xlsx([], template=True)
    else:
        data = spreadsheet.write_csv([], template=True)
    mimetype = formats.FILE_TYPES[ext][1]
    record_export(current_user, "question_template", ("question_categories", None), summary=f"题库导入模板.{ext}",
                  format=ext)
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=f"题库导入模板.{ext}")


@bp.get("/categories/<int:category_id>/export/<fmt>")
@require_role(access.can_open_bank)
def export(category_id: int, fmt: str):
    """The category and its subtree as GIFT, Moodle XML, XLSX, CSV or Aiken (choice questions only)."""
    category = access.get_category_or_404(current_user, category_id)
    if fmt not in formats.EXPORT_FORMATS:
        abort(404)
    questions = queries.export_questions(category)
    data = formats.write(questions, fmt)
    extension, mimetype = formats.FILE_TYPES[fmt]
    name = f"{category.name}.{extension}"
    record_export(current_user, "questions", category, branch=category.branch, summary=name, format=fmt,
                  questions=len(questions))
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
