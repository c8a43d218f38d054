"""Writes of thought reports (思想汇报): the person's autosaved draft, the submission, the reading.

One report per person and quarter. The draft is the same row in status `draft`, saved every few
seconds by the page's script, so a reload or a lost connection never loses what was typed. A report
handed in after its quarter ended is accepted and marked late.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import audit, clock
from learnapp.accounts.models import User
from learnapp.assessments.models import QUARTERS
from learnapp.contactwork import report_files
from learnapp.contactwork.access import can_review_report, must_report
from learnapp.contactwork.models import ReportStatus, ThoughtReport
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.notices import services as notices

MAX_BODY = 20000
MAX_TITLE = 120
MAX_COMMENT = 2000
OLDEST_YEARS = 2  # a report may be handed in late for quarters of this many past years


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    return QUARTERS[quarter - 1].bounds(year)


def quarter_label(year: int, quarter: int) -> str:
    return _("%(year)d Q%(quarter)d", year=year, quarter=quarter)


def open_quarters(today: date | None = None) -> list[tuple[int, int]]:
    """Quarters a report may be written for, newest first: the current one and the past ones."""
    year, quarter = quarter_of(today or clock.today())
    result = []
    while year >= (today or clock.today()).year - OLDEST_YEARS:
        result.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return result


def _check_quarter(year, quarter) -> tuple[int, int]:
    try:
        key = (int(year), int(quarter))
    except (TypeError, ValueError):
        raise DomainError(_("Choose the quarter."), "quarter") from None
    if key not in open_quarters():
        raise DomainError(_("Choose the current quarter or a past one."), "quarter")
    return key


def report_for(person: User, year: int, quarter: int) -> ThoughtReport | None:
    return db.session.scalar(select(ThoughtReport).where(
        ThoughtReport.user_id == person.id, ThoughtReport.year == year, ThoughtReport.quarter == quarter))


def _own_open_report(person: User, year, quarter) -> ThoughtReport:
    if not must_report(person):
        raise DomainError(_("Thought reports are handed in by activists, development targets and probationary members."))
    year, quarter = _check_quarter(year, quarter)
    report = report_for(person, year, quarter)
    if report is not None and report.status != ReportStatus.draft:
        raise DomainError(_("Your report for %(quarter)s is already handed in.", quarter=quarter_label(year, quarter)),
                          "quarter")
    if report is None:
        report = ThoughtReport(user_id=person.id, year=year, quarter=quarter, status=ReportStatus.draft)
        db.session.add(report)
    return report


def _check_text(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").rstrip()
    reasons = []
    if len(title) > MAX_TITLE:
        reasons.append(("title", _("At most %(n)d characters.", n=MAX_TITLE)))
    if len(body) > MAX_BODY:
        reasons.append(("body", _("At most %(n)d characters.", n=MAX_BODY)))
    if reasons:
        raise DomainError(reasons)
    return title, body


def save_draft(person: User, *, year, quarter, title: str = "", body: str = "") -> ThoughtReport:
    """Keep what the person typed so far (their own draft: not audited, nobody else reads it)."""
    title, body = _check_text(title, body)
    report = _own_open_report(person, year, quarter)
    report.title, report.body = title, body
    report.draft_saved_at = clock.now()
    db.session.flush()
    return report


def submit_report(person: User, *, year, quarter, title: str = "", body: str = "",
                  file: report_files.CheckedFile | None = None) -> ThoughtReport:
    """Hand in the quarter's report: typed text, a file, or both (audited)."""
    title, body = _check_text(title, body)
    report = _own_open_report(person, year, quarter)
    if not body.strip() and file is None:
        raise DomainError(_("Type your report or attach it as a file."), "body")
    report.title, report.body = title, body
    report.status = ReportStatus.submitted
    report.submitted_at = clock.now()
    report.late = clock.today() > quarter_bounds(report.year, report.quarter)[1]
    stored = None
    try:
        if file is not None:
            stored = report_files.store(file)
            report.file_name, report.file_stored, report.file_type = file.original_name, stored, file.content_type
        db.session.flush()
        audit.record(person, "thought_report.submit", report, branch=person.branch,
                     summary=f"{person.name} · {report.year} Q{report.quarter}" + (" · late" if report.late else ""),
                     after={"year": report.year, "quarter": report.quarter, "late": report.late,
                            "characters": len(body), "file": report.file_name})
    except Exception:
        report_files.remove(stored)
        raise
    return report


def mark_read(actor, report: ThoughtReport, *, comment: str) -> ThoughtReport:
    """The contact (or the branch) has read the report: their comment goes back to the person (audited)."""
    if not can_review_report(actor, report.user):
        raise DomainError(_("Only the person's training contact or the branch may mark the report read."))
    if report.status == ReportStatus.draft:
        raise DomainError(_("The report has not been handed in yet."))
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Write a comment for the person: what you noticed, what to work on."), "comment")
    if len(comment) > MAX_COMMENT:
        raise DomainError(_("At most %(n)d characters.", n=MAX_COMMENT), "comment")
    before = {"status": report.status.value, "comment": report.comment}
    report.status = ReportStatus.read
    report.comment = comment
    report.read_by_id = actor.id
    report.read_at = clock.now()
    db.session.flush()
    notices.notify(report.user, "report_read", {"report_id": report.id, "comment": comment, "year": report.year,
                                                "quarter": report.quarter}, sender=actor)
    audit.record(actor, "thought_report.read", report, branch=report.user.branch,
                 summary=f"{report.user.name} · {report.year} Q{report.quarter}", before=before,
                 after={"status": report.status.value, "comment": comment})
    return report
