"""Uploaded workbooks are read within limits checked before parsing (learnapp/spreadsheets/reading.py),
by every reader of the site: the roster import, the question bank import and the sign-in sheets."""

from __future__ import annotations

import io
import zipfile
from datetime import date, time
from functools import cache

import pytest
from openpyxl import Workbook

from learnapp.accounts.roster_files import UnreadableFile
from learnapp.accounts.roster_sheet import cell_text, read_grid
from learnapp.bank.formats import spreadsheet
from learnapp.errors import DomainError
from learnapp.ledger import activities, sheets
from learnapp.ledger.schedule import make_schedule
from learnapp.spreadsheets import reading
from learnapp.spreadsheets.reading import Limits

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{}"/><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"
ROW = '<row><c t="inlineStr"><is><t>x</t></is></c></row>'


def _workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_sheet(pieces, *, dimension: str = "A1", extra: dict[str, bytes] | None = None) -> bytes:
    """A real workbook whose first sheet's XML is written from `pieces` (streamed: it may be huge)."""
    base = zipfile.ZipFile(io.BytesIO(_workbook([["登录名"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            if info.filename != SHEET:
                archive.writestr(info, base.read(info.filename))
        with archive.open(SHEET, "w") as sheet:
            sheet.write(SHEET_HEAD.format(dimension).encode())
            for piece in pieces:
                sheet.write(piece.encode())
            sheet.write(SHEET_TAIL.encode())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


@cache
def _two_million_rows() -> bytes:
    """The issue's attack: two million rows (about 94 MB of XML) in a file of a few hundred KB."""
    return _with_sheet(ROW * 10_000 for _ in range(200))


def _refusal(reader: str, data: bytes) -> str:
    """The message with which the reader refuses `data` (the test fails if it accepts it)."""
    if reader == "roster":
        with pytest.raises(UnreadableFile) as caught:
            read_grid("upload.xlsx", data)
        return str(caught.value)
    if reader == "bank":
        result = spreadsheet.parse_xlsx(data)
        assert not result.questions and len(result.errors) == 1
        return result.errors[0][1]
    with pytest.raises(DomainError) as caught:
        sheets.parse(data)
    return caught.value.messages[0]


READERS = ["roster", "bank", "sign_in_sheet"]


@pytest.fixture
def parser_never_called(monkeypatch):
    """openpyxl must not see the file at all: the archive's directory alone refuses it."""
    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(reading, "load_workbook", refuse)


@pytest.mark.parametrize("reader", READERS)
def test_a_zip_bomb_is_refused_unparsed(app, reader, parser_never_called):
    data = _two_million_rows()
    assert len(data) < 1024 * 1024 and sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()) > 90e6
    message = _refusal(reader, data)
    assert "40 MB" in message and "解压" in message  # in Chinese, naming the limit


@pytest.mark.parametrize("reader", READERS)
def test_a_strongly_compressed_part_is_refused_unparsed(app, reader, parser_never_called):
    data = _with_sheet([ROW], extra={"xl/media/padding.bin": b"\0" * (3 * 1024 * 1024)})
    assert "200" in _refusal(reader, data)


def test_too_many_parts_are_refused_unparsed(app, parser_never_called):
    data = _with_sheet([ROW], extra={f"xl/media/p{n}.bin": b"x" for n in range(600)})
    assert "500" in _refusal("bank", data)


@pytest.mark.parametrize("reader", READERS)
def test_two_million_rows_declared_stop_at_the_row_limit(app, reader):
    """A tiny file whose sheet declares two million rows (its <dimension>, and a last row numbered
    2,000,000): openpyxl would fill in every row before it; reading stops at the limit instead."""
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>登录名</t></is></c></row>',
            '<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>x</t></is></c></row>']
    message = _refusal(reader, _with_sheet(rows, dimension="A1:A2000000"))
    assert "20000" in message and "行" in message


def test_declared_columns_are_not_filled_in_but_real_ones_past_the_limit_refuse(app):
    declared = _with_sheet(['<row r="1"><c r="A1" t="inlineStr"><is><t>登录名</t></is></c></row>'],
                           dimension="A1:XFD1")
    assert reading.xlsx_rows(declared) == [(1, ("登录名",))]
    wide = _with_sheet(['<row r="1"><c r="GR1" t="inlineStr"><is><t>x</t></is></c></row>'], dimension="A1:GR1")
    assert "100" in _refusal("bank", wide) and "列" in _refusal("bank", wide)


def test_a_huge_cell_is_refused_naming_row_and_column(app):
    # Written as XML: openpyxl itself cuts what it writes at Excel's limit.
    data = _with_sheet(['<row r="1"><c r="A1" t="inlineStr"><is><t>题型</t></is></c></row>',
                        f'<row r="2"><c r="B2" t="inlineStr"><is><t>{"很" * 40_000}</t></is></c></row>'])
    message = _refusal("bank", data)
    assert "32767" in message and "第 2 行第 2 列" in message


@pytest.mark.parametrize("reader", READERS)
def test_a_file_at_every_limit_is_read(app, reader):
    """Limits set just at a real file's size: accepted; one less of any: refused."""
    rows = {"roster": [["姓名", "工号", "支部", "阶段"], ["张三", "1001", "甲支部", "入党申请人"]],
            "bank": [["题型", "题干", "答案", "选项A", "选项B"], ["单选题", "党的最高理想是____。", "A", "共产主义", "小康"]],
            "sign_in_sheet": [["登录名", "姓名", "签到"], ["learner_a", "张三", "是"]]}[reader]
    data = _workbook(rows)
    members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    exact = Limits(unpacked_bytes=sum(m.file_size for m in members), zip_members=len(members), compression_ratio=200,
                   rows=len(rows), columns=len(rows[0]), cell_chars=max(len(str(v)) for r in rows for v in r))
    app.config.update({name: value for name, value in zip(
        ["UPLOAD_MAX_UNPACKED_BYTES", "UPLOAD_MAX_ZIP_MEMBERS", "UPLOAD_MAX_COMPRESSION_RATIO", "UPLOAD_MAX_SHEET_ROWS",
         "UPLOAD_MAX_SHEET_COLUMNS", "UPLOAD_MAX_CELL_CHARS"], vars(exact).values(), strict=True)})
    if reader == "roster":
        assert [[cell_text(v) for v in cells] for _n, cells in read_grid("roster.xlsx", data).rows] == [[str(v) for v in r] for r in rows]
    elif reader == "bank":
        result = spreadsheet.parse_xlsx(data)
        assert not result.errors and len(result.questions) == 1
    else:
        assert sheets.parse(data) == [(2, "learner_a", "张三", True)]
    for name in ["UPLOAD_MAX_UNPACKED_BYTES", "UPLOAD_MAX_ZIP_MEMBERS", "UPLOAD_MAX_SHEET_ROWS", "UPLOAD_MAX_SHEET_COLUMNS",
                 "UPLOAD_MAX_CELL_CHARS"]:
        app.config[name] -= 1
        _refusal(reader, data)
        app.config[name] += 1


def test_csv_uploads_pass_the_same_row_and_cell_limits(app):
    app.config.update(UPLOAD_MAX_SHEET_ROWS=3, UPLOAD_MAX_CELL_CHARS=20)
    header = "题型,题干,答案,选项A,选项B\r\n"
    row = "单选题,党的最高理想是____。,A,共产主义,小康\r\n"
    assert len(spreadsheet.parse_csv((header + row * 2).encode()).questions) == 2
    assert "3" in spreadsheet.parse_csv((header + row * 3).encode()).errors[0][1]
    assert "20" in spreadsheet.parse_csv((header + row.replace("小康", "康" * 21)).encode()).errors[0][1]
    with pytest.raises(UnreadableFile, match="3"):
        read_grid("roster.csv", "姓名,工号,支部,阶段\r\n张三,1,甲支部,入党申请人\r\n".encode() * 3)


def test_each_upload_page_shows_the_refusal_in_chinese(client, login, org, db, parser_never_called):
    """Through the web: the roster import, the question bank import and a sign-in sheet upload."""
    bomb = _two_million_rows()
    login(org.committee_admin)
    roster = client.post("/people/import", data={"file": (io.BytesIO(bomb), "roster.xlsx")},
                         content_type="multipart/form-data")
    assert roster.status_code == 422 and "文件解压后超过 40 MB" in roster.get_data(as_text=True)
    bank = client.post("/bank/import", data={"file": (io.BytesIO(bomb), "bank.xlsx"), "format": "auto", "category_id": 0},
                       content_type="multipart/form-data")
    preview = client.get(bank.headers["Location"]).get_data(as_text=True)
    assert "文件解压后超过 40 MB" in preview and 'name="duplicates"' not in preview  # nothing to confirm
    activity = activities.create_activity(org.committee_admin, branch=org.branch_a, category="lecture", title="党课",
                                          schedule=make_schedule(date(2026, 6, 15), time(9), time(11, 30)))
    db.session.commit()
    sheet = client.post(f"/ledger/activities/{activity.id}/sheet", data={"file": (io.BytesIO(bomb), "sheet.xlsx")},
                        content_type="multipart/form-data", follow_redirects=True)
    assert "文件解压后超过 40 MB" in sheet.get_data(as_text=True)
