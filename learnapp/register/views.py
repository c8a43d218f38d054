"""Register (名册) downloads under /people/register: each stage's register as XLSX or CSV, the 备案 list.

The downloads are POSTs: each is an audit entry (who took which people's data out of the site).
"""

from __future__ import annotations

import io

from flask import Blueprint, render_template, request, send_file
from flask_login import current_user

from learnapp import clock
from learnapp.accounts.forms import stage_choices
from learnapp.accounts.models import Stage
from learnapp.accounts.roster_files import XLSX_MIMETYPE
from learnapp.errors import FAILED, save_action
from learnapp.org.models import Branch
from learnapp.org.queries import branch_choices
from learnapp.register import export as register_export
from learnapp.register.forms import FilingListForm, RegisterExportForm
from learnapp.security import (
    can_read_reports,
    get_visible_branch_or_404,
    require_role,
    visible_branches,
)

bp = Blueprint("register", __name__, url_prefix="/people/register")


def _forms() -> tuple[RegisterExportForm, FilingListForm]:
    export, filings = RegisterExportForm(prefix="register"), FilingListForm(prefix="filings")
    export.stage.choices = stage_choices()
    branches = [(0, "—")] + branch_choices(visible_branches(current_user), active_only=False)
    export.branch_id.choices = filings.branch_id.choices = branches
    if request.method == "GET":
        today = clock.today()
        filings.start.data, filings.end.data = today.replace(month=1, day=1), today
    return export, filings


def _branch(branch_id: int | None) -> Branch | None:
    if not branch_id:
        return None
    return get_visible_branch_or_404(current_user, branch_id)


def _page(export, filings, status: int = 200):
    return render_template("register/index.html", export=export, filings=filings), status


@bp.get("")
@require_role(can_read_reports)
def index():
    return _page(*_forms())


@bp.post("/export")
@require_role(can_read_reports)
def download():
    export, filings = _forms()
    if not export.validate_on_submit():
        return _page(export, filings, 400)
    branch, today = _branch(export.branch_id.data), clock.today()
    table = register_export.register_table(current_user, Stage(export.stage.data), today, branch)
    csv_wanted = export.file_format.data == "csv"
    data = register_export.table_csv(table) if csv_wanted else register_export.table_xlsx(table)
    if save_action(lambda: register_export.record_export(current_user, "register", table, branch,
                                                         stage=export.stage.data, format=export.file_format.data)) is FAILED:
        return _page(export, filings, 400)
    filename = f"register-{export.stage.data}-{today.isoformat()}.{'csv' if csv_wanted else 'xlsx'}"
    return send_file(io.BytesIO(data), mimetype="text/csv; charset=utf-8" if csv_wanted else XLSX_MIMETYPE,
                     as_attachment=True, download_name=filename)


@bp.post("/filings")
@require_role(can_read_reports)
def filings_download():
    export, filings = _forms()
    if not filings.validate_on_submit():
        return _page(export, filings, 400)
    branch, today = _branch(filings.branch_id.data), clock.today()
    table = register_export.filing_table(current_user, filings.start.data, filings.end.data, today, branch)
    if save_action(lambda: register_export.record_export(
            current_user, "filings", table, branch,
            start=filings.start.data.isoformat(), end=filings.end.data.isoformat())) is FAILED:
        return _page(export, filings, 400)
    return send_file(io.BytesIO(register_export.table_xlsx(table)), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"filings-{filings.start.data.isoformat()}-{filings.end.data.isoformat()}.xlsx")
