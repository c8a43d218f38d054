"""The plan against actual as XLSX: one sheet of branches (the subtree's total first, then each
direct sub-branch), one of the composition. Every row through spreadsheets.append_row (branch names
are user text); headers from the catalog."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook

from learnapp.planning.actuals import MEASURE_LABELS, MEASURES, Row
from learnapp.planning.categories import categories
from learnapp.spreadsheets import append_row

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plan_xlsx(total: Row, rows: list[Row], year: int, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Plan against actual")[:31])
    append_row(sheet, [title])
    others = [m for m in MEASURES if m != "developed"]
    append_row(sheet, [_("Branch"), _("Year"), _("Planned"), _("Developed"), _("Rate (%)")]
               + [str(MEASURE_LABELS[m]) for m in others])
    for row in [total, *rows]:
        append_row(sheet, [row.branch.name, year, row.planned, row.developed, row.rate]
                   + [row.counts.get(m, 0) for m in others])
    composition = book.create_sheet(_("Composition of those developed")[:31])
    append_row(composition, [_("Category"), _("Number"), _("Share (%)"), _("Target"), _("Target share (%)")])
    for c in categories():
        append_row(composition, [str(c.label), total.composition.get(c.code, 0), total.share(c.code),
                                 total.targets.get(c.code), total.target_share(c.code)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
