"""Spreadsheets the site writes and reads: every exported cell and every uploaded workbook passes here.

- `cells`: export cells that no spreadsheet program will run as a formula (CSV and XLSX).
- `reading`: uploaded XLSX/CSV read within limits checked before any parsing (zip bombs, huge sheets).

Exports write each row through `cells.csv_writer(...)` or `cells.append_row(sheet, values)`, never
`csv.writer` or `sheet.append` directly; readers call `reading.xlsx_rows(...)` / `reading.capped_rows(...)`.
"""

from learnapp.spreadsheets.cells import (
    append_row,
    csv_value,
    csv_writer,
    needs_neutralising,
    unescape_text,
    xlsx_value,
)
from learnapp.spreadsheets.reading import (
    SpreadsheetDamaged,
    SpreadsheetRefused,
    capped_rows,
    check_zip,
    xlsx_rows,
)

__all__ = ["SpreadsheetDamaged", "SpreadsheetRefused", "append_row", "capped_rows", "check_zip", "csv_value",
           "csv_writer", "needs_neutralising", "unescape_text", "xlsx_rows", "xlsx_value"]
