"""The compliance report page (规范性检查) and its XLSX export, for the branch's and committee's readers.

Branch admins see their subtree, committee admins and auditors every branch. Filters: branch
(within the actor's scope; another branch is 404), kind of finding, year. Phone: one card per
finding; PC: a table (the same markup, laid out by css/development.css).
"""

from __future__ import annotations

import io

from flask import render_template, request, send_file
from flask_login import current_user

from learnapp import clock
from learnapp.accounts.models import User
from learnapp.accounts.roster_files import XLSX_MIMETYPE
from learnapp.audit.exports import record_export
from learnapp.development import compliance
from learnapp.development.blueprint import bp
from learnapp.org.queries import branch_choices, full_names
from learnapp.security import (
    branch_ids_under,
    can_read_reports,
    get_visible_branch_or_404,
    read_paths,
    require_role,
    visible_branches,
)

YEARS_BACK = 10
PER_PAGE = 200


def _filters():
    """(branch or None, kind or None, year or None) from the query string; a branch outside the
    actor's scope is 404, an unknown kind or year is ignored."""
    branch = None
    branch_id = request.args.get("branch", type=int)
    if branch_id:
        branch = get_visible_branch_or_404(current_user, branch_id)
    kind = request.args.get("kind")
    year = request.args.get("year", type=int)
    today = clock.today()
    return (branch, kind if kind in compliance.KINDS else None,
            year if year and today.year - YEARS_BACK <= year <= today.year else None)


def _report(branch, kind, year, *, messages: bool = True):
    paths = [branch.path] if branch else read_paths(current_user)
    names = full_names()
    found = compliance.report(User.branch_id.in_(branch_ids_under(paths)), clock.today(), names, year=year, kind=kind,
                              messages=messages)
    return found, names


@bp.get("/compliance")
@require_role(can_read_reports)
def compliance_report():
    branch, kind, year = _filters()
    found, names = _report(branch, kind, year, messages=False)  # the messages of the page shown only
    today = clock.today()
    filter_args = {k: v for k, v in {"branch": branch.id if branch else None, "kind": kind, "year": year}.items() if v}
    # An inspector filters or downloads; a page of thousands of rows helps nobody and costs seconds.
    items, page = compliance.page_of(found.findings, request.args.get("page", type=int), PER_PAGE)
    items = compliance.with_messages(items)
    return render_template("development/compliance.html", findings=items, page=page, counts=found.counts,
                           kinds=compliance.KIND_LABELS, kind=kind, year=year, branch=branch, names=names,
                           branches=branch_choices(visible_branches(current_user), active_only=False),
                           years=range(today.year, today.year - YEARS_BACK - 1, -1), filter_args=filter_args)


@bp.get("/compliance.xlsx")
@require_role(can_read_reports)
def compliance_export():
    branch, kind, year = _filters()
    found, names = _report(branch, kind, year)
    data = compliance.report_xlsx(found.findings, names)
    name = f"compliance-{clock.today().isoformat()}.xlsx"
    record_export(current_user, "compliance", ("branches", branch.id if branch else None), branch=branch,
                  summary=name, branch_id=branch.id if branch else None, kind=kind, year=year,
                  rows=len(found.findings))
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name)
