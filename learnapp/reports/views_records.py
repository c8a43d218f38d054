"""Exports of the 台账 (XLSX, CSV), printable study certificates and their public verification page."""

from __future__ import annotations

import tempfile
from urllib.parse import quote

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnapp import clock
from learnapp.assessments.queries import parse_year
from learnapp.audit.exports import record_export
from learnapp.extensions import limiter
from learnapp.external import external_url
from learnapp.ledger import sources
from learnapp.ledger.models import SOURCE_LABELS, Category
from learnapp.reports import certificates, exports, rollup
from learnapp.reports.blueprint import bp, params
from learnapp.reports.models import StudyCertificate
from learnapp.reports.scope import readable_people
from learnapp.security import (
    can_manage_user,
    can_read_reports,
    can_view_user,
    get_or_404,
    get_visible_user_or_404,
    require_role,
)


@bp.get("/export.<fmt>")
@require_role(can_read_reports)
def export(fmt: str):
    """The completion ledger (台账) of the actor's scope (or one branch's subtree) for a year."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    p = params(current_user)
    scope = readable_people(current_user, p.branch)
    rows = exports.Counted(exports.person_rows(scope, p.year, clock.today(), stage=p.stage, status=p.status))
    label = p.branch.name if p.branch else _("all branches")
    # The file is written into a spooled file (memory up to 16 MB, then disk) and only then sent in
    # chunks: memory stays flat at any size, and a database error half-way gives an error page,
    # never a shorter 台账 that looks complete.
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    if fmt == "csv":
        for chunk in exports.csv_lines(rows):
            out.write(chunk.encode("utf-8"))
        media_type = exports.CSV_MEDIA_TYPE
    else:
        nodes = rollup.dashboard(current_user, p.filters, branch=p.branch)
        exports.write_xlsx(out, nodes, rows, title=f"{p.year} 年度学时台账 · {label}")
        media_type = exports.XLSX_MEDIA_TYPE
    out.seek(0)
    names = attachment_names(f"taizhang-{p.year}.{fmt}", f"台账-{p.year}-{label}.{fmt}")
    record_export(current_user, "ledger", ("branches", p.branch.id if p.branch else None), branch=p.branch,
                  summary=f"台账-{p.year}-{label}.{fmt}", year=p.year, branch_id=p.branch.id if p.branch else None,
                  stage=p.stage, status=p.status, format=fmt, rows=rows.count)
    response = send_file(out, mimetype=media_type)
    response.headers.set("Content-Disposition", "attachment", **names)
    return response


def attachment_names(ascii_name: str, name: str) -> dict[str, str]:
    """Content-Disposition file names: an ASCII one for old clients and the real one (RFC 6266)."""
    return {"filename": ascii_name, "filename*": "UTF-8''" + quote(name, safe="!#$&+-.^_`|~")}


@bp.post("/people/<int:user_id>/certificates")
@login_required
def certificate_issue(user_id: int):
    """Freeze the person's year into a printable study certificate with a verification code."""
    user = get_visible_user_or_404(current_user, user_id)
    if user.id != current_user.id and not can_manage_user(current_user, user):
        abort(403)
    year = parse_year(request.form.get("year") or request.args.get("year"), clock.today().year)
    if year > clock.today().year:
        abort(400)
    cert = certificates.issue(current_user, user, year)
    flash(_("Study record issued with verification code %(code)s.", code=cert.code), "success")
    return redirect(url_for("reports.certificate", cert_id=cert.id))


@bp.get("/certificates/<int:cert_id>")
@login_required
def certificate(cert_id: int):
    """The printable annual study record (学时证明), drawn from the frozen snapshot."""
    cert = get_or_404(StudyCertificate, cert_id, lambda c: can_view_user(current_user, c.user))
    content = certificates.content_of(cert)
    # The snapshot keeps each line's entry id: what earned it is named from the ledger (unchanging).
    return render_template("reports/certificate.html", cert=cert, content=content,
                           titles=sources.titles_of_entries(line.get("id") for line in content.get("lines", [])),
                           verify_url=external_url("reports.verify", code=cert.code),
                           category_label=_category_label, source_label=lambda v: str(SOURCE_LABELS.get(v, v)))


def _category_label(value: str) -> str:
    try:
        return Category(value).label
    except ValueError:
        return value


@bp.get("/verify")
@limiter.limit("30 per minute")
def verify():
    """Public: anyone holding a printed record checks that it is genuine and unchanged. No login."""
    raw = request.args.get("code", "")
    result, error = None, None
    if raw:
        code = certificates.normalise_code(raw)
        if code is None:
            error = _("A verification code has 12 letters and digits, e.g. ABCD-EFGH-JKMN.")
        else:
            result = certificates.verify(code)
    return render_template("reports/verify.html", raw=raw, result=result, error=error), (400 if error else 200)


def record_certificates_section(actor, person, year: int) -> dict:
    """The annual record's section (assessments): the person's certificates, and the button to
    issue this year's for the person themselves or an administrator of theirs."""
    return {"template": "reports/_record_certificates.html", "certificates": certificates.certificates_of(person.id),
            "can_issue": person.id == actor.id or can_manage_user(actor, person)}
