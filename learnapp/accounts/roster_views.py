"""Roster import pages: upload, problems or result, templates, and the one-time password list.

The generated passwords are shown once, in the response to the upload. To offer them as an XLSX
without storing them anywhere (not in the database, not in the session cookie, not on disk), the
result page carries them in a signed, short-lived token that the download form posts back.
"""

from __future__ import annotations

import io

from flask import abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from learnapp import clock
from learnapp.accounts.forms import RosterImportForm
from learnapp.accounts.people_blueprint import bp
from learnapp.accounts.roster import MAX_BYTES, RosterError, import_roster_file
from learnapp.accounts.roster_files import (
    XLSX_MIMETYPE,
    passwords_xlsx,
    template_csv,
    template_xlsx,
)
from learnapp.db import db
from learnapp.org.queries import branches_where, full_names
from learnapp.security import is_branch_admin, managed_branches, require_role

PASSWORD_TOKEN_SECONDS = 30 * 60
# Problems shown on the page; the count above the table says how many there are in all.
MAX_PROBLEMS_SHOWN = 500


class _ClockSigner(TimestampSigner):
    """Timestamps from learnapp's clock, so that tests can move time past the expiry."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="roster-passwords", signer=_ClockSigner)


@bp.route("/import", methods=["GET", "POST"])
@require_role(is_branch_admin)
def roster_import():
    form = RosterImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_BYTES + 1)
        try:
            result = import_roster_file(current_user, upload.filename or "roster", data,
                                        update_existing=form.update_existing.data, check_only=form.check_only.data)
        except RosterError as exc:
            db.session.rollback()
            return render_template("people/import.html", form=form, problems=exc.problems[:MAX_PROBLEMS_SHOWN],
                                   problem_count=len(exc.problems), filename=upload.filename,
                                   warnings=exc.warnings), 422
        if result.checked_only:  # the preview: the savepoint was undone, there is nothing to commit
            return render_template("people/import_result.html", result=result, password_rows=[], token=None,
                                   filename=upload.filename)
        db.session.commit()
        names = {row.login_id: row for row in result.rows}
        password_rows = [(login_id, names[login_id].name, names[login_id].branch, password)
                         for login_id, password in result.passwords.items()]
        token = _serializer().dumps({"actor": current_user.id, "rows": password_rows}) if password_rows else None
        return render_template("people/import_result.html", result=result, password_rows=password_rows, token=token,
                               filename=upload.filename)
    return render_template("people/import.html", form=form, problems=None)


@bp.get("/import/template.xlsx")
@require_role(is_branch_admin)
def roster_template_xlsx():
    names = full_names()
    branches = [names[b.id] for b in branches_where(managed_branches(current_user), active_only=True)]
    return send_file(io.BytesIO(template_xlsx(branches)), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name="roster-template.xlsx")


@bp.get("/import/template.csv")
@require_role(is_branch_admin)
def roster_template_csv():
    return send_file(io.BytesIO(template_csv()), mimetype="text/csv; charset=utf-8", as_attachment=True,
                     download_name="roster-template.csv")


@bp.post("/import/passwords.xlsx")
@require_role(is_branch_admin)
def roster_passwords():
    """The initial passwords of the import just done, rebuilt from the signed token in the form."""
    try:
        payload = _serializer().loads(request.form.get("token", ""), max_age=PASSWORD_TOKEN_SECONDS)
    except BadSignature:
        return render_template("errors/error.html", code=400, title=_("Bad request"),
                               message=_("This password list has expired (after 30 minutes) or is not valid. Reset the passwords of the people concerned instead.")), 400
    if payload.get("actor") != current_user.id:
        abort(403)
    data = passwords_xlsx([tuple(row) for row in payload["rows"]])
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"initial-passwords-{clock.today().isoformat()}.xlsx")
