"""The export cell helper itself: only formula-like text changes; numbers and dates stay what they are."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from learnapp.bank.formats import ParsedQuestion, spreadsheet
from learnapp.bank.models import QuestionKind
from learnapp.spreadsheets import append_row, csv_value, csv_writer, unescape_text

ROW = [-5, Decimal("-1.5"), date(2026, 6, 15), "=1+1", "-5", None, "普通文字", 3, "@x", "a\x07b"]


@pytest.mark.parametrize("write_only", [False, True])
def test_only_formula_like_text_is_marked_in_xlsx(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    append_row(sheet, ROW)
    buffer = io.BytesIO()
    book.save(buffer)
    cells = list(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows())[0]
    by_column = {cell.column: cell for cell in cells}
    assert by_column[1].value == -5 and by_column[1].data_type == "n" and not by_column[1].quotePrefix
    assert by_column[2].value == -1.5 and by_column[2].data_type == "n"
    assert by_column[3].is_date and by_column[3].value.date() == date(2026, 6, 15)
    assert by_column[4].value == "=1+1" and by_column[4].data_type == "s" and by_column[4].quotePrefix
    assert by_column[5].value == "-5" and not by_column[5].quotePrefix  # a number as text runs nothing
    # What follows a marked cell is not marked (a write-only sheet would reuse the cell's style).
    assert by_column[7].value == "普通文字" and not by_column[7].quotePrefix
    assert by_column[8].value == 3 and by_column[8].data_type == "n" and not by_column[8].quotePrefix
    assert by_column[9].value == "@x" and by_column[9].quotePrefix
    assert by_column[10].value == "ab"  # a control character XML cannot hold is dropped, not a failed export


def test_csv_fields_are_quoted_and_formula_like_text_prefixed():
    assert [csv_value(v) for v in ROW[:7]] == ["-5", "-1.5", "2026-06-15", "'=1+1", "-5", "", "普通文字"]
    assert csv_value(Decimal("50.00")) == "50" and csv_value(datetime(2026, 1, 2, 3, 4)) == "2026-01-02T03:04:00"
    buffer = io.StringIO()
    csv_writer(buffer).writerow(["a;=1+1", "\t=1", 7])
    assert buffer.getvalue() == '"a;=1+1","\'\t=1","7"\r\n'  # every field in quotes, as OWASP advises
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["a;=1+1", "'\t=1", "7"]


def test_the_sites_own_csv_reads_back_as_it_was_written():
    assert unescape_text("'=1+1") == "=1+1" and unescape_text("'-5") == "'-5" and unescape_text("'abc") == "'abc"
    question = ParsedQuestion(kind=QuestionKind.single, stem="=1+1 等于几？", explanation="-2+3 也等于 1",
                              options=[{"key": "A", "text": "+2", "fraction": 100}, {"key": "B", "text": "-1", "fraction": 0}])
    back = spreadsheet.parse_csv(spreadsheet.write_csv([question]))
    assert not back.errors
    assert back.questions[0].stem == "=1+1 等于几？" and back.questions[0].explanation == "-2+3 也等于 1"
    assert [o["text"] for o in back.questions[0].options] == ["+2", "-1"]
