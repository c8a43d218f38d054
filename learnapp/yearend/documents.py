"""The year-end figures as tables, and those tables as XLSX (one sheet per section) and Word (.docx).

`tables()` is the one description of what the files hold: the page shows the same figures, the XLSX
writes each table on a sheet of its own (every row through spreadsheets.append_row: branch names are
user text), the Word document writes the sentences and then each table. Headers are catalog strings:
Chinese for a Chinese reader. Study hours are exact decimals (from hundredths), never floats.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from flask_babel import gettext as _
from openpyxl import Workbook

from learnapp.assessments.models import Grade
from learnapp.development import compliance
from learnapp.org.queries import full_names
from learnapp.planning.actuals import MEASURE_LABELS
from learnapp.spreadsheets import append_row
from learnapp.yearend.figures import YearEnd, share
from learnapp.yearend.sentences import sentences

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EAST_ASIAN_FONT = "宋体"  # SimSun: on every Chinese Windows, and what official documents are set in


def hours(hundredths: int | None) -> Decimal | None:
    return None if hundredths is None else Decimal(int(hundredths)).scaleb(-2)


@dataclass
class Table:
    code: str
    title: str
    headers: list[str]
    rows: list[list]


def title(f: YearEnd) -> str:
    name = full_names().get(f.branch.id) or f.branch.name
    return _("Year-end figures %(year)d: %(branch)s", year=f.year, branch=name)


def _plan(f: YearEnd) -> Table:
    measures = ["activists_filed", "targets_filed", "full_members", "extended"]
    headers = [_("Branch"), _("Planned"), _("Admitted"), _("Plan executed (%)")] + [str(MEASURE_LABELS[m]) for m in measures]
    rows = [[f.branch.name, f.plan.planned, f.plan.developed, f.plan.rate] + [f.plan.counts.get(m, 0) for m in measures]]
    rows += [["\u3000" + r.branch.name, r.planned, r.developed, r.rate] + [r.counts.get(m, 0) for m in measures]
             for r in f.plan.rows]
    return Table("plan", _("Plan and actual"), headers, rows)


def _composition(f: YearEnd) -> Table:
    return Table("composition", _("Composition of those admitted"),
                 [_("Category"), _("Admitted"), _("Share (%)"), _("Target"), _("Target share (%)")],
                 [[str(c.label), c.count, c.share, c.target, c.target_share] for c in f.plan.composition])


def _training(f: YearEnd) -> Table:
    t = f.training
    headers = [_("Stage"), _("People in training"), _("Completed the requirement"), _("Share (%)"),
               _("Average study hours"), _("Average online"), _("Average offline")]
    rows = [[line.stage.label, line.people, line.completed, share(line.completed, line.people),
             hours(round(line.credit / line.people)) if line.people else None,
             hours(round(line.online / line.people)) if line.people else None,
             hours(round(line.offline / line.people)) if line.people else None] for line in t.by_stage]
    rows.append([_("Total"), t.people, t.completed, t.completed_share, hours(t.average), hours(t.average_online),
                 hours(t.average_offline)])
    rows.append([_("The year's requirement (study hours)"), hours(t.requirement), None, None, None, None, None])
    return Table("training", _("Training"), headers, rows)


def _activities(f: YearEnd) -> Table:
    rows = [[a.category.label, a.held, a.attendances, a.attendees] for a in f.activities]
    rows.append([_("Total"), f.activities_held, f.attendances, None])
    return Table("activities", _("Activities"), [_("Kind of activity"), _("Held"), _("Attendances"), _("Different people")], rows)


def _training_class(f: YearEnd) -> Table:
    c = f.training_class
    return Table("training_class", _("Development-target training class"), [_("Figure"), _("Value")], [
        [_("Completed the training class in the year"), c.completed],
        [_("Development targets today"), c.targets],
        [_("of whom completed the training class"), c.targets_trained],
        [_("Training classes held"), c.classes],
    ])


def _tests(f: YearEnd) -> Table:
    t = f.tests
    return Table("tests", _("Knowledge tests"), [_("Figure"), _("Value")], [
        [_("People in training"), t.in_training],
        [_("Took a test"), t.participants],
        [_("Participation (%)"), t.participation],
        [_("Results"), t.results],
        [_("Passed"), t.passed],
        [_("Pass rate (%)"), t.pass_rate],
        [_("Average score"), t.average_score],
    ])


def _assessments(f: YearEnd) -> Table:
    a = f.assessments
    rows = [[g.label, a.by_grade.get(g, 0), share(a.by_grade.get(g, 0), a.total)] for g in Grade]
    rows.append([_("Total"), a.total, None])
    rows.append([_("People assessed"), a.people, None])
    return Table("assessments", _("Assessments"), [_("Grade"), _("Assessments"), _("Share (%)")], rows)


def _compliance(f: YearEnd) -> Table:
    rows = [[str(label), f.findings.get(kind, 0)] for kind, label in compliance.KIND_LABELS.items()]
    rows.append([_("Total"), f.findings_total])
    return Table("compliance", _("Compliance findings"), [_("Finding"), _("Number of findings")], rows)


def tables(f: YearEnd) -> list[Table]:
    return [_plan(f), _composition(f), _training(f), _activities(f), _training_class(f), _tests(f), _assessments(f),
            _compliance(f)]


def _sheet_name(text: str) -> str:
    """Excel: at most 31 characters, none of []:*?/\\."""
    return "".join("_" if ch in "[]:*?/\\" else ch for ch in text)[:31] or "Sheet"


def xlsx_bytes(f: YearEnd) -> bytes:
    book = Workbook(write_only=True)
    summary = book.create_sheet(_sheet_name(_("Summary sentences")))
    append_row(summary, [title(f)])
    for sentence in sentences(f):
        append_row(summary, [sentence])
    for table in tables(f):
        sheet = book.create_sheet(_sheet_name(table.title))
        append_row(sheet, table.headers)
        for row in table.rows:
            append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def docx_bytes(f: YearEnd) -> bytes:
    """Headings, the sentences to paste, then one table per section."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    # Word takes Chinese text from the East Asian font of the style, not from font.name.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    doc.add_heading(title(f), level=1)
    for sentence in sentences(f):
        doc.add_paragraph(sentence)
    for table in tables(f):
        doc.add_heading(table.title, level=2)
        grid = doc.add_table(rows=1, cols=len(table.headers))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
            cell.text = text
        for row in table.rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                cell.text = _cell_text(value)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
