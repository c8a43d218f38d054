"""Uploaded spreadsheets read within limits that are checked before the parser sees the file.

An XLSX file is a zip archive of XML. A few hundred kilobytes can unpack to hundreds of megabytes
(a "zip bomb"), and a tiny sheet can declare two million rows or sixteen thousand columns that
openpyxl then fills with empty cells. So before parsing, the archive's directory is checked (total
unpacked size, number of parts, how strongly any large part is compressed); while reading, openpyxl
runs in read-only mode (one row at a time) and reading stops at the row and column limits instead
of loading everything. CSV uploads pass the same row, column and cell checks (`capped_rows`).

The limits are settings (config.py, `UPLOAD_MAX_*`); a file over a limit is refused with a
`SpreadsheetRefused` (a DomainError on the field "file") whose message names the limit. Every
XLSX/zip reader of the site (roster import, question bank import, sign-in sheets) uses `xlsx_rows`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from openpyxl import load_workbook

from learnapp.config import Defaults
from learnapp.errors import DomainError

# A part smaller than this cannot do harm however well it compresses (a style sheet of repeated
# entries easily reaches 100:1); the ratio limit applies to larger parts only.
RATIO_APPLIES_ABOVE = 1024 * 1024
# More rows than any sheet holds (Excel: 1,048,576): see xlsx_rows.
_NEVER_REACHED = 1 << 31


class SpreadsheetRefused(DomainError):
    """The upload is over one of the limits; nothing of it was parsed beyond the limit."""

    def __init__(self, message: str):
        super().__init__(message, "file")


class SpreadsheetDamaged(Exception):
    """The file is not a readable XLSX workbook (each reader words its own message)."""


@dataclass(frozen=True)
class Limits:
    unpacked_bytes: int
    zip_members: int
    compression_ratio: int
    rows: int
    columns: int
    cell_chars: int

    @classmethod
    def current(cls) -> Limits:
        """The limits configured for this app (the defaults outside an app)."""
        config = current_app.config if has_app_context() else {}

        def get(name: str) -> int:
            return int(config.get(name, getattr(Defaults, name)))

        return cls(get("UPLOAD_MAX_UNPACKED_BYTES"), get("UPLOAD_MAX_ZIP_MEMBERS"), get("UPLOAD_MAX_COMPRESSION_RATIO"),
                   get("UPLOAD_MAX_SHEET_ROWS"), get("UPLOAD_MAX_SHEET_COLUMNS"), get("UPLOAD_MAX_CELL_CHARS"))


def check_zip(data: bytes, limits: Limits | None = None) -> None:
    """Refuse an archive whose directory promises more than the limits, before anything is unpacked.

    The sizes come from the zip's central directory; Python's zipfile never returns more bytes of a
    part than the directory states, so they bound what the parser can be given. A file that is not
    a zip at all raises SpreadsheetDamaged.
    """
    limits = limits or Limits.current()
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise SpreadsheetDamaged(str(exc)) from None
    if len(members) > limits.zip_members:
        raise SpreadsheetRefused(_("The file holds more than %(count)d parts, the limit for an uploaded workbook.",
                                   count=limits.zip_members))
    if sum(m.file_size for m in members) > limits.unpacked_bytes:
        raise SpreadsheetRefused(_("The file unpacks to more than %(mb)d MB, the limit for an uploaded workbook.",
                                   mb=limits.unpacked_bytes // (1024 * 1024)))
    for member in members:
        if member.file_size > RATIO_APPLIES_ABOVE and member.file_size > limits.compression_ratio * max(member.compress_size, 1):
            raise SpreadsheetRefused(_("A part of the file is compressed more than %(ratio)d to 1, as no real workbook "
                                       "is; it was refused unread.", ratio=limits.compression_ratio))


def _trimmed(values: tuple) -> tuple:
    end = len(values)
    while end and values[end - 1] is None:
        end -= 1
    return values[:end]


def _checked(number: int, count: int, values: tuple | list, limits: Limits) -> None:
    if count > limits.rows:
        raise SpreadsheetRefused(_("The sheet has more than %(count)d rows, the limit for an uploaded file; split it "
                                   "into smaller files.", count=limits.rows))
    if len(values) > limits.columns:
        raise SpreadsheetRefused(_("Row %(row)d has more than %(count)d columns, the limit for an uploaded file.",
                                   row=number, count=limits.columns))
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and len(value) > limits.cell_chars:
            raise SpreadsheetRefused(_("Row %(row)d, column %(column)d holds more than %(count)d characters, the limit "
                                       "for one cell.", row=number, column=column, count=limits.cell_chars))


def _refuse_wide_rows(sheet, limits: Limits) -> None:
    """Refuse a row with a cell past the column limit, which openpyxl would otherwise drop unseen.

    openpyxl's read-only sheet turns each parsed row (a list of cells, each with its column) into a
    tuple of max_col values in `_get_row`, leaving out cells past max_col without a word. The check
    wraps that step of this one sheet; tests/spreadsheets/test_upload_limits.py fails if a new
    openpyxl stops calling it."""
    make_row = sheet._get_row

    def checked_row(row, min_col=1, max_col=None, values_only=False):
        widest = max((cell["column"] for cell in row), default=0)
        if widest > limits.columns:
            raise SpreadsheetRefused(_("Row %(row)d has more than %(count)d columns, the limit for an uploaded file.",
                                       row=row[0]["row"], count=limits.columns))
        return make_row(row, min_col, max_col, values_only)

    sheet._get_row = checked_row


def xlsx_rows(data: bytes, *, choose_sheet: Callable[[Any], Any] | None = None,
              limits: Limits | None = None) -> list[tuple[int, tuple]]:
    """(row number, cell values without trailing empties) of one sheet, blank rows included.

    `choose_sheet(workbook)` picks the sheet (default: the first). Raises SpreadsheetRefused over a
    limit and SpreadsheetDamaged for a file openpyxl cannot read.
    """
    limits = limits or Limits.current()
    check_zip(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, KeyError) for a broken file
        raise SpreadsheetDamaged(str(exc)) from None
    try:
        sheet = choose_sheet(workbook) if choose_sheet else workbook.worksheets[0]
        rows = []
        _refuse_wide_rows(sheet, limits)
        # Rows come one at a time and reading stops at the first row past the limit: a row numbered two
        # million arrives after the empty rows openpyxl fills in before it, so it is refused at the
        # limit, not read. The sheet's declared size (<dimension>) is not filled in after the last row
        # (max_row is given and never reached), and rows are filled in to the column limit at most:
        # a declared 16,384 columns (or LibreOffice's usual 1,024) cost nothing.
        cells = sheet.iter_rows(max_row=_NEVER_REACHED, max_col=limits.columns, values_only=True)
        for number, values in enumerate(cells, start=1):
            values = _trimmed(values)
            _checked(number, number, values, limits)
            rows.append((number, values))
        return rows
    except SpreadsheetRefused:
        raise
    except Exception as exc:
        raise SpreadsheetDamaged(str(exc)) from None
    finally:
        workbook.close()


def capped_rows(rows: Iterable[tuple[int, list]], limits: Limits | None = None) -> Iterator[tuple[int, list]]:
    """The rows of a text file (CSV) as they come, refused once they pass the row, column or cell limits."""
    limits = limits or Limits.current()
    for count, (number, values) in enumerate(rows, start=1):
        _checked(number, count, values, limits)
        yield number, values
