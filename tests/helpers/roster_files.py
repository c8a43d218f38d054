"""Build roster files in memory for the tests."""

from __future__ import annotations

import io

from openpyxl import Workbook

HEADER = ["姓名", "工号", "支部", "阶段", "手机", "邮箱"]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8", bom: bool = False,
              delimiter: str = ",") -> bytes:
    text = "\r\n".join(delimiter.join(r) for r in [header, *rows]) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: list[list], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
