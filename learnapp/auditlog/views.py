"""The audit log in the site: list with filters, entry detail with before/after, chain verification."""

from __future__ import annotations

import io
import json

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from learnapp import clock, spreadsheets
from learnapp.accounts.models import User
from learnapp.audit.chain import verify_chain
from learnapp.audit.exports import record_export
from learnapp.audit.labels import action_label, target_label
from learnapp.audit.models import AuditEntry
from learnapp.auditlog import queries
from learnapp.db import db
from learnapp.form_fields import DateField, SelectField
from learnapp.org.models import Branch
from learnapp.security import (
    can_read_reports,
    can_view_branch,
    can_view_user,
    get_or_404,
    get_visible_branch_or_404,
    is_auditor,
    is_committee_admin,
    require_role,
)

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50
EXPORT_LIMIT = 50_000

class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = StringField(_l("Done by (login ID or name)"), validators=[Optional(), Length(max=80)])
    target_type = SelectField(_l("Record type"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    text = StringField(_l("Text in the summary"), validators=[Optional(), Length(max=120)])


def _filters() -> tuple[AuditFilterForm, queries.AuditFilter, dict]:
    form = AuditFilterForm(request.args)
    actions = queries.distinct_values(current_user, AuditEntry.action)
    form.action.choices = [("", _l("All actions"))] + [(a, action_label(a)) for a in actions]
    form.target_type.choices = [("", _l("All records"))] + [(t, target_label(t)) for t in
                                                           queries.distinct_values(current_user, AuditEntry.target_type)]
    form.validate()  # fills .errors for bad dates; a bad value is ignored, not fatal
    f = queries.AuditFilter(
        action=form.action.data if form.action.data in actions else "",
        actor=(form.actor.data or "").strip(),
        target_type=form.target_type.data or "",
        date_from=form.date_from.data if not form.date_from.errors else None,
        date_to=form.date_to.data if not form.date_to.errors else None,
        text=(form.text.data or "").strip(),
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    target = request.args.get("target", "")
    if target:
        # Links from a person's or branch's page: "users:12".
        kind, _sep, ident = target.partition(":")
        f.target_type, f.target_id = kind, ident
        if kind == "users":
            user = db.session.get(User, int(ident)) if ident.isdigit() else None
            if user is None or not can_view_user(current_user, user):
                abort(404)
    branch_id = request.args.get("branch", type=int)
    if branch_id:
        branch = get_visible_branch_or_404(current_user, branch_id)
        f.branch_path = branch.path
    return form, f, args


@bp.get("/")
@require_role(can_read_reports)
def index():
    form, f, args = _filters()
    page = queries.entries_page(current_user, f, request.args.get("page", 1, type=int), PER_PAGE)
    return render_template("audit/list.html", form=form, page=page, filter_args=args, action_label=action_label,
                           target_label=target_label, can_verify=_can_verify(current_user))


@bp.get("/export.csv")
@require_role(can_read_reports)
def export():
    """The filtered entries as CSV (UTF-8 with BOM for Excel), newest first."""
    _form, f, args = _filters()
    buffer = io.StringIO()
    writer = spreadsheets.csv_writer(buffer)
    writer.writerow(["seq", "at", "actor", "action", "target_type", "target_id", "summary", "details", "hash"])
    count = 0
    for entry in queries.entries_to_export(current_user, f, EXPORT_LIMIT):
        writer.writerow([entry.seq, clock.to_local(entry.at).isoformat(timespec="seconds"), entry.actor_name, entry.action,
                         entry.target_type, entry.target_id or "", entry.summary,
                         json.dumps(entry.details, ensure_ascii=False, sort_keys=True), entry.hash])
        count += 1
    body = "\ufeff" + buffer.getvalue()
    filename = f"audit-{clock.today().isoformat()}.csv"
    record_export(current_user, "audit", ("audit_entries", None), summary=filename,
                  filters={k: str(v) for k, v in args.items()}, rows=count)
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/<int:entry_id>")
@require_role(can_read_reports)
def entry(entry_id: int):
    item = get_or_404(AuditEntry, entry_id, lambda e: queries.can_read_entry(current_user, e))
    rows, rest = queries.diff(item.details or {})
    target_url = None
    if item.target_type == "users" and item.target_id and item.target_id.isdigit():
        user = db.session.get(User, int(item.target_id))
        if user is not None and can_view_branch(current_user, user.branch):
            target_url = ("people.detail", {"user_id": user.id})
    elif item.target_type == "branches" and item.target_id and item.target_id.isdigit():
        branch = db.session.get(Branch, int(item.target_id))
        if branch is not None and can_view_branch(current_user, branch):
            target_url = ("org.branch", {"branch_id": branch.id})
    return render_template("audit/entry.html", entry=item, rows=rows, rest=rest, action_label=action_label,
                           target_label=target_label, target_url=target_url,
                           rest_json={k: json.dumps(v, ensure_ascii=False, indent=1) if isinstance(v, (dict, list)) else v
                                      for k, v in rest.items()})


def _can_verify(user) -> bool:
    return is_committee_admin(user) or is_auditor(user)


@bp.get("/verify")
@require_role(_can_verify)
def verify():
    """Walk the whole hash chain now (read-only: a GET, so SQLite does not take the write lock)."""
    report = verify_chain()
    return render_template("audit/verify.html", report=report, checked_at=clock.now())
