"""XLSX export of a quiz report (results per person, by branch, item analysis) via openpyxl."""

from __future__ import annotations

import io
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from learnapp.quizzes.analysis import QuizReport
from learnapp.spreadsheets import append_row


def _pct(value_bp: int | None) -> Decimal | None:
    """Hundredths of a percent as an exact number of percent (a number cell, not text)."""
    return None if value_bp is None else Decimal(value_bp) / 100


def _index(value_bp: int | None) -> Decimal | None:
    """A discrimination index stored ×10000 as a number from -1 to 1."""
    return None if value_bp is None else Decimal(value_bp) / 10000


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list], first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    append_row(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Names and answers come from users: text that looks like a formula stays text.
        append_row(sheet, row)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, width * 2))
    return sheet


def report_xlsx(report: QuizReport, items: list[dict]) -> bytes:
    """The report as an XLSX workbook (percentages as numbers with two decimals)."""
    workbook = Workbook()
    quiz = report.quiz
    rows = []
    for row in report.rows:
        p = row["participant"]
        rows.append([row["user"].login_id, row["user"].name, row["branch"].name, p.attempts_started, p.attempts_graded,
                     _pct(p.counted_bp), _("Yes") if p.passed else (_("No") if p.passed is False else "")])
    _sheet(workbook, _("Results"),
           [_("Login ID"), _("Name"), _("Branch"), _("Attempts started"), _("Attempts graded"), _("Score %"), _("Passed")],
           rows, first=True)
    _sheet(workbook, _("By branch"),
           [_("Branch"), _("Expected"), _("Took the quiz"), _("Passed"), _("Average %"), _("Pass rate %")],
           [[b["branch"].name, b["expected"], b["taken"], b["passed"], _pct(b["mean_bp"]), _pct(b["pass_rate_bp"])]
            for b in report.branches])
    item_rows = []
    for entry in items:
        options = "; ".join(f"{o['key']}{'*' if o['correct'] else ''}: {o['count']}" for o in entry["options"])
        wrong = "; ".join(f"{text} ({count})" for text, count in entry["wrong_blanks"])
        item_rows.append([entry["question_id"], entry["kind"].label, entry["version"].stem[:200], entry["n"],
                          _pct(entry["facility_bp"]),
                          _index(entry["discrimination_bp"]),
                          entry["unanswered"], options, wrong])
    _sheet(workbook, _("Item analysis"),
           [_("Question"), _("Question type"), _("Stem"), _("Times given"), _("Facility %"), _("Discrimination"),
            _("Unanswered"), _("Options chosen"), _("Common wrong answers")], item_rows)
    summary = workbook.create_sheet(_("Overview")[:31])
    for label, value in [
        (_("Quiz"), quiz.title), (_("Expected"), report.audience), (_("Took the quiz"), report.participants),
        (_("Passed"), report.passed), (_("Pass rate %"), _pct(report.pass_rate_bp)), (_("Average %"), _pct(report.mean_bp)),
        (_("Median %"), _pct(report.median_bp)), (_("Attempts"), report.attempts),
    ]:
        append_row(summary, [label, value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
