"""Registers (名册) as committees keep them in Excel, built in memory for the tests."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

REGISTER_HEADER = ["序号", "姓名", "性别", "民族", "出生年月", "学历", "工作单位及职务", "所在支部", "联系电话",
                   "申请入党时间", "确定为入党积极分子时间", "培养联系人", "备注"]


def register_xlsx(rows: list[list], header: list[str] = REGISTER_HEADER, *, title: str = "测试党委入党积极分子名册",
                  merges: tuple[str, ...] = (), number_formats: dict[str, str] | None = None) -> bytes:
    """A title merged across the columns, a second title line, the header in row 3, people from row 4.

    `merges` are extra ranges such as "H4:H6" (the first cell's value applies to the whole range);
    cells a merge covers beyond its first are left empty here, as Excel leaves them.
    """
    workbook = Workbook()
    sheet = workbook.active
    last = get_column_letter(len(header))
    sheet.append([title])
    sheet.merge_cells(f"A1:{last}1")
    sheet.append(["填报单位（盖章）：", None, None, None, "截至2026年6月1日"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    for cell, number_format in (number_formats or {}).items():
        sheet[cell].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def register_csv(rows: list[list[str]], header: list[str] = REGISTER_HEADER, *, encoding: str = "gbk",
                 title: str | None = "测试党委入党积极分子名册") -> bytes:
    lines = ([title] if title else []) + [",".join(header)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def sheet_rows(data: bytes) -> list[list]:
    """The first sheet's values (for reading what an export wrote)."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def d(text: str) -> date:
    return date.fromisoformat(text)
