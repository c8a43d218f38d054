"""A roster or register file as a grid of values: title rows, the header row, merged cells filled in.

    read_grid(filename, data) -> Grid        # every non-empty row, merged cells' value in each covered cell
    find_layout(grid, problems) -> Layout    # which row is the header, which column is which field

Registers as committees keep them have a title (merged across the columns) above the header, a
branch name merged down over its people, headings with line breaks or hints, and dates typed as
text or as numbers. The reading is capped before anything is parsed: the file size (by the caller),
the unpacked size of the workbook, the rows and the columns. `read_grid` is the one place that
opens the file, so a shared capped reader can replace it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import load_workbook

from learnapp import spreadsheets
from learnapp.accounts.roster_files import (
    MAX_ROWS,
    UnreadableFile,
    decode_text,
    detect_kind,
    guess_delimiter,
)

MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 15

# Headings, compared after NFKC, lower-casing and removing spaces, line breaks, '*' and bracketed hints.
COLUMNS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "no.", "no"),
    "name": ("姓名", "name"),
    "login_id": ("工号", "login_id", "loginid", "登录名", "用户名", "账号", "帐号", "登录账号"),
    "branch": ("支部", "branch", "所在支部", "党支部", "所在党支部", "所在党组织", "支部名称"),
    "stage": ("阶段", "stage", "发展阶段"),
    "phone": ("手机", "phone", "手机号", "手机号码", "mobile", "联系电话", "联系方式", "电话"),
    "email": ("邮箱", "email", "e-mail", "电子邮箱"),
    "stage_since": ("阶段日期", "stage_since", "阶段起始日期"),
    "gender": ("性别", "gender"),
    "ethnicity": ("民族", "ethnicity"),
    "birth_date": ("出生年月", "出生日期", "出生年月日", "birth_date"),
    "education": ("学历", "文化程度", "最高学历", "education"),
    "job_category": ("岗位类别", "人员类别", "工作岗位", "岗位", "job_category"),
    "department": ("工作单位及职务", "部门", "所在部门", "工作单位", "单位及职务", "工作单位及职务职称", "department"),
    "applied_on": ("申请入党时间", "申请入党日期", "递交入党申请书时间", "入党申请时间", "提交入党申请时间"),
    "activist_on": ("确定为积极分子时间", "确定为入党积极分子时间", "列为积极分子时间", "列为入党积极分子时间",
                    "确定积极分子时间", "确定入党积极分子时间"),
    "target_on": ("列为发展对象时间", "确定为发展对象时间", "确定发展对象时间", "列为发展对象日期"),
    "admitted_on": ("接收为预备党员时间", "入党时间", "接收预备党员时间", "吸收为预备党员时间", "发展为预备党员时间"),
    "full_on": ("转正时间", "转为正式党员时间", "预备党员转正时间"),
    "contacts": ("培养联系人", "培养人", "联系人"),
    "introducers": ("入党介绍人", "介绍人"),
    "note": ("备注", "note"),
    "status": ("状态", "status", "账号状态"),  # the people export's own column: read, not imported
}
_HINT_RE = re.compile(r"[（(][^）)]*[）)]|[*\s]")
_LOOKUP: dict[str, str] = {}


def normalise_heading(text) -> str:
    return _HINT_RE.sub("", unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "")).lower()


def field_of(heading) -> str | None:
    if not _LOOKUP:
        _LOOKUP.update({normalise_heading(alias): key for key, aliases in COLUMNS.items() for alias in aliases})
    return _LOOKUP.get(normalise_heading(heading))


@dataclass
class Grid:
    kind: str
    rows: list[tuple[int, list]]  # (row number as the spreadsheet shows it, values), non-empty rows only


@dataclass
class Layout:
    header_row: int
    columns: dict[str, tuple[int, str]]  # field -> (column index, heading as written)
    unknown: list[str]                   # headings no field knows: reported, not silently dropped
    title: str                           # the text above the header (e.g. "…入党积极分子名册")
    body: list[tuple[int, list]] = field(default_factory=list)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trim(values: list) -> list:
    while values and _is_blank(values[-1]):
        values.pop()
    return values


def _xlsx_value(cell):
    value = cell.value
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        number_format = (cell.number_format or "").lower()
        if "y" in number_format and "d" not in number_format:
            return f"{day:%Y.%m}"  # shown as year-month (出生年月 formatted yyyy.mm): keep the precision
        return day
    if isinstance(value, str):
        return value.strip()
    return value


def _too_many_rows() -> UnreadableFile:
    return UnreadableFile(_("The file has more than %(count)d rows; split it into smaller files.", count=MAX_ROWS))


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    try:
        # First within the upload limits, streamed (learnapp.spreadsheets): a bomb is refused before
        # openpyxl builds anything. Only then loaded whole, because merged ranges are known to a
        # fully loaded worksheet only; by now its size is bounded by those limits.
        spreadsheets.xlsx_rows(data)
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except spreadsheets.SpreadsheetRefused as exc:
        raise UnreadableFile(exc.messages[0]) from None
    except Exception:  # openpyxl raises many types (zip, XML, key errors) for a damaged file
        raise UnreadableFile(_("The Excel file is damaged or not an XLSX workbook.")) from None
    sheet = workbook.worksheets[0]  # a template's notes are on later sheets
    if sheet.max_row > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise _too_many_rows()
    if sheet.max_column > MAX_COLUMNS:
        raise UnreadableFile(_("The first sheet has more than %(count)d columns.", count=MAX_COLUMNS))
    grid = [[_xlsx_value(cell) for cell in row] for row in sheet.iter_rows()]
    for merged in sheet.merged_cells.ranges:
        # A title merged across the columns, a branch merged down over its people: the value of the
        # top-left cell applies to every cell the range covers.
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
            for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                grid[r][c] = value
    return [(number, cells) for number, cells in enumerate((_trim(r) for r in grid), start=1) if cells]


def _read_csv(data: bytes) -> tuple[str, list[tuple[int, list]]]:
    text, encoding = decode_text(data)
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(text.split("\n", 1)[0]))
    rows: list[tuple[int, list]] = []
    try:
        for number, values in spreadsheets.capped_rows(enumerate(reader, start=1)):
            if len(values) > MAX_COLUMNS:
                raise UnreadableFile(_("Row %(row)d has more than %(count)d columns.", row=number, count=MAX_COLUMNS))
            # A cell the site's own CSV export quoted ('=…) reads back as it was typed.
            cells = _trim([spreadsheets.unescape_text(v.strip()) for v in values])
            if cells:
                rows.append((number, cells))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise _too_many_rows()
    except spreadsheets.SpreadsheetRefused as exc:
        raise UnreadableFile(exc.messages[0]) from None
    except csv.Error as exc:
        raise UnreadableFile(_("The CSV file is malformed: %(error)s", error=str(exc))) from None
    return f"csv/{encoding}", rows


def read_grid(filename: str, data: bytes) -> Grid:
    """The file's first sheet (or the CSV) as rows of values; raises UnreadableFile."""
    if detect_kind(filename, data) == "xlsx":
        return Grid("xlsx", _read_xlsx(data))
    kind, rows = _read_csv(data)
    return Grid(kind, rows)


def cell_text(value) -> str:
    """A value as text: whole numbers without '.0' (Excel stores IDs and phones as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()


def _fields(cells: list) -> dict[int, str]:
    return {i: f for i, value in enumerate(cells) if isinstance(value, str) and (f := field_of(value))}


def find_layout(grid: Grid, problems: list) -> Layout | None:
    """The header among the first rows: the first that has 姓名 and another known heading.

    A two-level header (a group heading such as 入党时间 merged over 申请入党时间 | 确定为积极分子时间)
    takes the known headings of the second row. Problems (duplicate headings) go to `problems` as
    (row, heading, message); None when no header is found.
    """
    for position, (number, cells) in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        found = _fields(cells)
        if "name" not in found.values() or len(found) < 2:
            continue
        headings = [cell_text(v) for v in cells]
        body_start = position + 1
        if body_start < len(grid.rows):
            below = grid.rows[body_start][1]
            sub = _fields(below)
            if sub and "name" not in {sub[i] for i in sub if i not in found} and any(i not in found for i in sub):
                for i in sub:
                    if i not in found or found[i] == sub[i]:
                        while len(headings) <= i:
                            headings.append("")
                        headings[i] = cell_text(below[i])
                body_start += 1
        columns: dict[str, tuple[int, str]] = {}
        unknown: list[str] = []
        previous = None
        for index, heading in enumerate(headings):
            key = field_of(heading)
            if key is None:
                if heading and heading not in unknown:
                    unknown.append(heading)
            elif key in columns:
                # A heading merged across adjacent columns repeats itself: the first column holds the value.
                if heading != previous:
                    problems.append((number, heading, _("The column %(column)s appears twice.", column=heading)))
            else:
                columns[key] = (index, heading)
            previous = heading
        title = " ".join(cell_text(v) for _n, cells_above in grid.rows[:position]
                         for v in dict.fromkeys(cells_above) if not _is_blank(v))
        return Layout(number, columns, unknown, title, grid.rows[body_start:])
    return None
