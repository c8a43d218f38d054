"""Roster files: read XLSX/CSV into rows of text, write the templates and the password list.

The format is decided from the bytes, not the file name: Chinese Excel saves CSV as GBK, "Unicode
text" as UTF-16 with tabs, and users rename files. Old binary .xls files are refused with advice.
"""

from __future__ import annotations

import codecs
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from learnapp import spreadsheets
from learnapp.accounts.models import STAGE_CHINESE, Stage

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc: the pre-2007 binary formats
BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"\x1f\x8b", b"7z\xbc\xaf")
MAX_ROWS = 10_000
TEMPLATE_HEADERS = ["姓名", "工号", "支部", "阶段", "手机", "邮箱"]
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# A text cell starting with one of these is taken as a formula by spreadsheets (CSV injection).


class UnreadableFile(Exception):
    """The file as a whole cannot be read (wrong type, encoding, size); the message says why."""


def detect_kind(filename: str, data: bytes) -> str:
    """"xlsx" or "csv", from the content; raises UnreadableFile for anything else."""
    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        raise UnreadableFile(_("This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload it again."))
    if filename.lower().endswith(".xlsx"):
        raise UnreadableFile(_("The file is named .xlsx but is not an Excel workbook."))
    if data.startswith(BINARY_MAGICS) or (b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))):
        raise UnreadableFile(_("This is neither an XLSX nor a CSV file."))
    return "csv"


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding found: UTF-8 (with or without BOM), UTF-16 or GBK."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise UnreadableFile(_("The file starts as UTF-8 but contains invalid characters.")) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableFile(_("The file starts as UTF-16 but contains invalid characters.")) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312, so it reads what Chinese Excel writes.
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError:
        raise UnreadableFile(_("The text encoding is not recognised; save the file as UTF-8 or GBK CSV.")) from None


def guess_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "，")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


# --- files we write ---------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="FDECEA")


def _workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(sheet, headers: list[str], widths: list[int]) -> None:
    spreadsheets.append_row(sheet, headers)
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"


def template_xlsx(branch_names: list[str]) -> bytes:
    """The roster template: the columns, a stage drop-down, notes, and the branches one may use."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名册"
    _header(sheet, TEMPLATE_HEADERS, [12, 14, 30, 16, 16, 28])
    for column in ("B", "E"):  # text, so Excel keeps leading zeros of IDs and the phone digits
        for row in range(2, 1002):
            sheet[f"{column}{row}"].number_format = "@"
    stages = DataValidation(type="list", formula1='"' + ",".join(STAGE_CHINESE[s] for s in Stage) + '"', allow_blank=False)
    stages.add("D2:D1001")
    sheet.add_data_validation(stages)
    notes = workbook.create_sheet("说明")
    for line in [
        _("Fill in one person per row on the first sheet; keep the header row."),
        _("Required: 姓名 (name), 工号 (login ID, unique), 支部 (branch), 阶段 (stage)."),
        _("支部: the branch's name if it is unique, otherwise its path, e.g. 第一党总支/第一支部."),
        _("阶段: 入党申请人, 入党积极分子, 发展对象, 预备党员 or 正式党员."),
        _("Optional: 手机 (11-digit mobile), 邮箱 (e-mail), 阶段日期 (date the current stage began, e.g. 2025-07-01)."),
        _("Nothing is imported while any row has a problem; the page lists every problem with its row number."),
        _("CSV files may be saved as UTF-8 or GBK."),
    ]:
        spreadsheets.append_row(notes, [line])
    notes.column_dimensions["A"].width = 100
    branches = workbook.create_sheet("支部")
    _header(branches, [_("Branches you may import into")], [50])
    for name in branch_names:
        spreadsheets.append_row(branches, [name])
    return _workbook_bytes(workbook)


def template_csv() -> bytes:
    """The roster template as CSV, UTF-8 with a BOM so that Excel opens the Chinese correctly."""
    buffer = io.StringIO()
    spreadsheets.csv_writer(buffer, lineterminator="\r\n").writerow(TEMPLATE_HEADERS)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def passwords_xlsx(rows: list[tuple[str, str, str, str]]) -> bytes:
    """The initial passwords of a roster import: (login ID, name, branch, password) per person."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Initial passwords")
    _header(sheet, [_("Login ID"), _("Name"), _("Branch"), _("Initial password")], [14, 12, 30, 18])
    for row in rows:
        spreadsheets.append_row(sheet, row)
    return _workbook_bytes(workbook)


def people_xlsx(rows: list[list[str]], extra_headers: list[str]) -> bytes:
    """A people list in the roster's columns (so it can be edited and imported back) plus extras."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名册"
    _header(sheet, TEMPLATE_HEADERS + ["阶段日期"] + extra_headers, [12, 14, 30, 16, 16, 28, 14] + [14] * len(extra_headers))
    for row in rows:
        spreadsheets.append_row(sheet, row)
    return _workbook_bytes(workbook)
