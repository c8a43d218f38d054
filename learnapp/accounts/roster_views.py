"""Roster import pages: upload, problems or result, templates, and the one-time password list.

The initial passwords are shown once, in the response to the upload that created them, and
nowhere else: not in the database (only their keyed hashes, accounts/passwords.py), not in the
session, not in a token the browser would send back. The same response carries them as an XLSX
to save (a `data:` link with `download`), so no later request can fetch them again.
"""

from __future__ import annotations

import base64
import io

from flask import render_template, send_file
from flask_login import current_user

from learnapp import clock
from learnapp.accounts.forms import RosterImportForm
from learnapp.accounts.people_blueprint import bp
from learnapp.accounts.permissions import is_branch_admin, managed_branches, require_role
from learnapp.accounts.roster import MAX_BYTES, RosterError, import_roster_file
from learnapp.accounts.roster_files import (
    XLSX_MIMETYPE,
    passwords_xlsx,
    template_csv,
    template_xlsx,
)
from learnapp.audit.exports import record_export
from learnapp.errors import try_save
from learnapp.org.queries import branches_where, full_names

# Problems shown on the page; the count above the table says how many there are in all.
MAX_PROBLEMS_SHOWN = 500


@bp.route("/import", methods=["GET", "POST"])
@require_role(is_branch_admin)
def roster_import():
    form = RosterImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_BYTES + 1)
        result, refused = try_save(lambda: import_roster_file(
            current_user, upload.filename or "roster", data, update_existing=form.update_existing.data,
            check_only=form.check_only.data), refusal=RosterError)
        if refused is not None:
            return render_template("people/import.html", form=form, problems=refused.problems[:MAX_PROBLEMS_SHOWN],
                                   problem_count=len(refused.problems), filename=upload.filename,
                                   warnings=refused.warnings), 422
        if result.checked_only:  # the preview: the savepoint was undone, there is nothing to commit
            return render_template("people/import_result.html", result=result, password_rows=[], token=None,
                                   filename=upload.filename)
        names = {row.login_id: row for row in result.rows}
        password_rows = [(login_id, names[login_id].name, names[login_id].branch, password)
                         for login_id, password in result.passwords.items()]
        download = None
        if password_rows:
            data = base64.b64encode(passwords_xlsx(password_rows)).decode("ascii")
            download = {"href": f"data:{XLSX_MIMETYPE};base64,{data}",
                        "name": f"initial-passwords-{clock.today().isoformat()}.xlsx"}
        return render_template("people/import_result.html", result=result, password_rows=password_rows,
                               download=download, filename=upload.filename)
    return render_template("people/import.html", form=form, problems=None)


@bp.get("/import/template.xlsx")
@require_role(is_branch_admin)
def roster_template_xlsx():
    names = full_names()
    branches = [names[b.id] for b in branches_where(managed_branches(current_user), active_only=True)]
    data = template_xlsx(branches)
    record_export(current_user, "roster_template", ("roster", None), summary="roster-template.xlsx", format="xlsx", branches=len(branches))
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name="roster-template.xlsx")


@bp.get("/import/template.csv")
@require_role(is_branch_admin)
def roster_template_csv():
    data = template_csv()
    record_export(current_user, "roster_template", ("roster", None), summary="roster-template.csv", format="csv")
    return send_file(io.BytesIO(data), mimetype="text/csv; charset=utf-8", as_attachment=True,
                     download_name="roster-template.csv")
