"""Views of thought reports: writing (with the draft autosaved), reading and commenting, the missing list."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnapp import clock, mail
from learnapp.contactwork import access, queries, reminders, report_files, reports
from learnapp.contactwork.blueprint import bp
from learnapp.contactwork.forms import ReadForm, ReportForm
from learnapp.contactwork.models import ReportStatus, ThoughtReport
from learnapp.errors import FAILED, save_action, save_form, save_or_raise
from learnapp.protected_files import send_protected
from learnapp.security import can_read_reports, can_view_user, get_or_404, is_contact


def _quarter_choices() -> list[tuple[str, str]]:
    return [(f"{y}-{q}", reports.quarter_label(y, q)) for y, q in reports.open_quarters()]


def _parse_quarter(value: str | None) -> tuple[int, int]:
    """"2026-2" → (2026, 2); anything else: the current quarter."""
    try:
        year, quarter = (int(part) for part in (value or "").split("-", 1))
    except ValueError:
        return reports.quarter_of(clock.today())
    return year, quarter


@bp.get("/reports/mine")
@login_required
def my_reports():
    """The person's own thought reports, drafts included, and the quarters still owed."""
    mine = queries.reports_of(current_user, include_drafts=True)
    year, quarter = reports.quarter_of(clock.today())
    missing = [(y, q) for y, q in queries.last_quarters(clock.today())
               if queries.owes_report(current_user, y, q)]
    return render_template("contactwork/my_reports.html", reports=mine, must_report=access.must_report(current_user),
                           current=(year, quarter), missing=missing, label=reports.quarter_label,
                           has_current=any((r.year, r.quarter) == (year, quarter) and r.status != ReportStatus.draft for r in mine))


@bp.route("/reports/write", methods=["GET", "POST"])
@login_required
def report_write():
    """Write (or finish) the report of a quarter; the draft is kept by the autosave endpoint."""
    if not access.must_report(current_user):
        abort(403)
    form = ReportForm()
    form.quarter.choices = _quarter_choices()
    year, quarter = _parse_quarter(request.values.get("quarter"))
    existing = reports.report_for(current_user, year, quarter)
    if existing is not None and existing.status != ReportStatus.draft:
        flash(_("Your report for %(quarter)s is already handed in.", quarter=reports.quarter_label(year, quarter)), "info")
        return redirect(url_for("contactwork.report", report_id=existing.id))
    if request.method == "GET":
        form.quarter.data = f"{year}-{quarter}"
        if existing is not None:
            form.title.data, form.body.data = existing.title, existing.body

    def submit():
        upload = request.files.get("file")
        checked = report_files.check(upload.filename if upload else None, upload.stream if upload else None)
        return reports.submit_report(current_user, year=year, quarter=quarter, title=form.title.data or "",
                                     body=form.body.data or "", file=checked)

    if form.validate_on_submit():
        report = save_form(form, submit)
        if report is not FAILED:
            flash(_("Report handed in.") if not report.late else _("Report handed in (late)."), "success")
            return redirect(url_for("contactwork.report", report_id=report.id))
    return render_template("contactwork/report_form.html", form=form, draft=existing, year=year, quarter=quarter,
                           label=reports.quarter_label), (400 if form.errors or form.form_errors else 200)


@bp.post("/reports/draft")
@login_required
def report_draft():
    """Autosave: keep the typed text of the draft (JSON in, JSON out; CSRF header required)."""
    if not access.must_report(current_user):
        abort(403)
    data = request.get_json(silent=True) or request.form
    year, quarter = _parse_quarter(data.get("quarter"))
    draft = save_or_raise(lambda: reports.save_draft(current_user, year=year, quarter=quarter,
                                                     title=data.get("title") or "", body=data.get("body") or ""))
    return jsonify({"ok": True, "saved_at": clock.to_local(draft.draft_saved_at).strftime("%H:%M:%S")})


def _report_or_404(report_id: int) -> ThoughtReport:
    report = get_or_404(ThoughtReport, report_id, lambda r: can_view_user(current_user, r.user))
    if report.status == ReportStatus.draft and report.user_id != current_user.id:
        abort(404)  # a draft is the author's alone
    return report


@bp.get("/reports/<int:report_id>")
@login_required
def report(report_id: int):
    report = _report_or_404(report_id)
    if report.status == ReportStatus.draft:
        return redirect(url_for("contactwork.report_write", quarter=f"{report.year}-{report.quarter}"))
    can_review = access.can_review_report(current_user, report.user)
    return render_template("contactwork/report.html", report=report, label=reports.quarter_label,
                           form=ReadForm(obj=report) if can_review else None)


@bp.post("/reports/<int:report_id>/read")
@login_required
def report_read(report_id: int):
    report = _report_or_404(report_id)
    if not access.can_review_report(current_user, report.user):
        abort(403)
    form = ReadForm()
    if form.validate_on_submit() and save_form(form, lambda: reports.mark_read(current_user, report, comment=form.comment.data)) is not FAILED:
        flash(_("Marked read; the person sees your comment."), "success")
        return redirect(url_for("contactwork.report", report_id=report.id))
    return render_template("contactwork/report.html", report=report, label=reports.quarter_label, form=form), 400


@bp.get("/reports/<int:report_id>/file")
@login_required
def report_file(report_id: int):
    """The uploaded file, to the author and whoever may read the report; Word files as a download."""
    report = _report_or_404(report_id)
    path = report_files.path_of(report.file_stored) if report.file_stored else None
    if path is None:
        abort(404)
    download = report.file_type == report_files.DOCX or request.args.get("download") == "1"
    response = send_protected(path, mimetype=report.file_type, as_attachment=download, download_name=report.file_name,
                         max_age=0, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if report.file_type and report.file_type.startswith("image/"):
        response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@bp.get("/reports/missing")
@login_required
def missing():
    """Who has not handed in the quarter's report: a contact's people, a branch's, everyone's."""
    if not (is_contact(current_user) or can_read_reports(current_user)):
        abort(403)
    year, quarter = _parse_quarter(request.args.get("quarter"))
    if (year, quarter) not in reports.open_quarters():
        year, quarter = reports.quarter_of(clock.today())
    rows = queries.missing_reports(current_user, year, quarter)
    return render_template("contactwork/missing.html", rows=rows, year=year, quarter=quarter,
                           can_remind=reminders.may_remind(current_user), smtp=mail.smtp_configured(),
                           contacts=queries.contacts_of([r.user_id for r in rows]), choices=_quarter_choices(),
                           label=reports.quarter_label, ended=reports.quarter_bounds(year, quarter)[1] < clock.today())


@bp.post("/reports/missing/remind")
@login_required
def remind_missing():
    """Remind the people (ticked, or all listed) whose report for the quarter is missing."""
    if not reminders.may_remind(current_user):
        abort(403)
    year, quarter = _parse_quarter(request.form.get("quarter"))
    chosen = [int(v) for v in request.form.getlist("user_id") if v.isdigit()] or None
    result = save_action(lambda: reminders.remind_missing(current_user, year, quarter, chosen))
    if result is not FAILED:
        flash(_("Reminded in the site: %(noticed)d, by e-mail as well: %(sent)d. Without e-mail address: "
                "%(none)d. E-mail failed: %(failed)d.", noticed=len(result.noticed), sent=len(result.sent),
                none=len(result.no_email), failed=len(result.failed)),
              "success" if result.noticed else "warning")
    return redirect(url_for("contactwork.missing", quarter=f"{year}-{quarter}"))
