"""Export cells that a spreadsheet program shows as text and never runs as a formula.

Names, branch names, summaries and question texts come from users (typed, or imported through the
roster). Excel and LibreOffice start a formula, or a DDE command, at a cell whose text begins with
`=`, `+`, `-` or `@`, and after a leading tab or carriage return (OWASP, "CSV Injection"). Every
cell the site exports goes through this module:

- **CSV**: such text gets a single quote in front (`'=HYPERLINK(...)`), and every field is enclosed in
  double quotes, so a separator inside a value never starts a new cell (both as OWASP advises). The
  quote stays visible in the file; importers of the site's own CSV files take it off again
  (`unescape_text`), so an exported file can be imported back unchanged.
- **XLSX**: such text is written as a string cell (never a formula cell) with the style flag
  `quotePrefix`: what Excel itself stores when someone types `'=1+1`. Excel and LibreOffice show the
  text as it is and keep it text when the cell is edited, and the value stays exactly the user's
  text, so the people list imports back with the names unchanged. No apostrophe is added to the value.

Only text is neutralised: numbers, dates and booleans stay what they are (a negative number stays a
number), and so does text that is just a number such as "-5" or "+86" (it cannot run anything).
Characters XML cannot hold (control characters) are dropped from XLSX text instead of failing the
export.
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def needs_neutralising(value: Any) -> bool:
    """Whether `value` is text a spreadsheet program could take for a formula."""
    return isinstance(value, str) and value.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value)


def unescape_text(text: str) -> str:
    """A CSV cell as the user wrote it: the quote this module put before a formula-like text removed."""
    if text.startswith("'") and needs_neutralising(text[1:]):
        return text[1:]
    return text


def _number_text(value: Decimal) -> str:
    if value == value.to_integral():
        return format(value.quantize(Decimal(1)), "f")
    return format(value, "f").rstrip("0").rstrip(".")


def csv_value(value: Any) -> str:
    """One CSV field: numbers as plain digits, dates in ISO form, formula-like text quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return _number_text(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value)
    return "'" + text if needs_neutralising(text) else text


class _SafeWriter:
    """csv.writer whose rows pass through `csv_value` (the only CSV writer exports use)."""

    def __init__(self, stream: IO[str], **options: Any):
        self._writer = csv.writer(stream, quoting=csv.QUOTE_ALL, **options)

    def writerow(self, values) -> None:
        self._writer.writerow([csv_value(v) for v in values])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: IO[str], **options: Any) -> _SafeWriter:
    """A CSV writer for an export (options as for csv.writer, e.g. lineterminator)."""
    return _SafeWriter(stream, **options)


def xlsx_value(value: Any) -> Any:
    """A value as openpyxl may store it: text without the characters XML cannot hold."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def text_cell(sheet, text: str) -> Cell:
    """A string cell holding `text` as it is, marked so that Excel never reads it as a formula."""
    cell = Cell(sheet, row=1, column=1)  # placed by append(); a write-only sheet needs a column to start with
    cell._value = xlsx_value(text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def append_row(sheet, values) -> None:
    """Append one row to a worksheet (normal or write-only) with formula-like text made safe.

    Items that are already openpyxl cells (e.g. a styled header cell) are appended as they are.
    """
    row = []
    for value in values:
        if isinstance(value, Cell):
            if needs_neutralising(value.value):
                value.data_type, value.quotePrefix = "s", True
            row.append(value)
        elif needs_neutralising(value):
            row.append(text_cell(sheet, value))
        else:
            row.append(xlsx_value(value))
    if any(isinstance(item, Cell) for item in row):
        # A write-only sheet writes each plain value after a cell into that same cell object, with
        # its style: a number after a quote-prefixed name would be quote-prefixed too. Cells all.
        row = [item if isinstance(item, Cell) or item is None else Cell(sheet, row=1, column=1, value=item)
               for item in row]
    sheet.append(row)
