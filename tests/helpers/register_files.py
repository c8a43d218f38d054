"""Registers (名册) as committees keep them in Excel, built in memory for the tests."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

REGISTER_HEADER = ["序号", "姓名", "性别", "民族", "出生年月", "学历", "工作单位及职务", "所在支部", "联系电话",
                   "申请入党时间", "确定为入党积极分子时间", "培养联系人", "备注"]

# Row 4 onwards; 所在支部 merged down H4:H7, so rows 5–7 leave it empty as Excel does.
GOOD_REGISTER = [
    [1, "张红", "女", "汉", "1995.03", "本科", "办公室科员", "甲支部", "13800000001", "2023.05", date(2024, 6, 1), "王联系", ""],
    [2, "李明", "男", "回族", 1990.1, "硕士", "财务科副科长", None, "13800000002", "2023-5-8", "２０２４．０６．０１", "", "转入"],
    [3, "赵强", "男", "汉族", "1988年7月", "大专", "车间主任", None, "13800000003", "2023年5月8日", "2024/06/01", "", ""],
    [4, "钱芳", "女", "满", "19920115", "大学本科", "技术科", None, "13800000004", "20230508", "２０２４年６月", "", ""],
]


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
