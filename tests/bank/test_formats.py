"""Parsers and writers of each format: supported kinds, unsupported kinds by line, malformed files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask_babel import force_locale
from openpyxl import Workbook

from learnapp.bank import formats
from learnapp.bank.formats import aiken, gift, moodle_xml, spreadsheet
from learnapp.bank.models import QuestionKind

FILES = Path(__file__).parent / "files"


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def by_line(result):
    return {q.line: q for q in result.questions}


# --- GIFT -----------------------------------------------------------------------------------

def test_gift_kinds_metadata_and_unsupported():
    result = gift.parse((FILES / "mixed.gift").read_bytes())
    assert result.errors == []
    q = by_line(result)
    single = q[5]
    assert single.kind == QuestionKind.single and single.title == "Q1"
    assert single.category == ["党章", "总纲"]
    assert [o["fraction"] for o in single.options] == [100, 0, -50]
    assert single.options[0]["feedback"] == "对"
    assert single.explanation == "党章总纲规定……"
    assert (single.source, single.knowledge_points, single.tags, single.difficulty) == ("党章", ["最高理想"], ["纪律"], 2)
    multiple = q[12]
    assert multiple.kind == QuestionKind.multiple
    assert [o["fraction"] for o in multiple.options] == [50, 50, -100]
    assert multiple.source is None  # metadata belongs to the question right after its comment only
    assert q[14].kind == QuestionKind.truefalse and q[14].answer is True
    assert q[16].kind == QuestionKind.fill_blank and q[16].stem == "党的最高领导机关是党的____。"
    assert q[16].answer == [["全国代表大会", "全国代表大会和它所产生的中央委员会"]]
    assert q[18].answer == [["一年", "1年"], ["支部大会通过"]] and q[18].stem.count("____") == 2
    assert q[20].kind == QuestionKind.essay and q[20].stem == "谈谈你的认识。"
    assert q[26].stem == "Escapes { } : = ~ # ok"
    assert [(s.line, s.kind_name) for s in result.skipped] == [(22, "matching"), (24, "numerical")]


@pytest.mark.parametrize("block,expected", [("{T}", True), ("{F}", False), ("{TRUE}", True), ("{FALSE}", False),
                                            ("{true#wrong#right}", True)])
def test_gift_truefalse_forms(block, expected):
    result = gift.parse(f"遵义会议在1935年召开。{block}")
    assert result.questions[0].kind == QuestionKind.truefalse
    assert result.questions[0].answer is expected


def test_gift_weighted_single_and_missing_word_choice():
    result = gift.parse("党的____是党的根本组织原则。{=民主集中制 ~%50%集体领导 ~个人分工负责}\n")
    q = result.questions[0]
    assert q.kind == QuestionKind.single
    assert [o["fraction"] for o in q.options] == [100, 50, 0]
    mid = gift.parse("党的{~集体领导 =民主集中制}是党的根本组织原则。").questions[0]
    assert mid.stem == "党的____是党的根本组织原则。"


def test_gift_multiple_with_three_way_weights():
    q = gift.parse("选出正确的 {~%33.3%甲 ~%33.3%乙 ~%33.4%丙 ~%-100%丁}").questions[0]
    assert q.kind == QuestionKind.multiple and [o["fraction"] for o in q.options] == [33, 33, 34, -100]


def test_gift_malformed_gives_line_and_nothing():
    result = gift.parse((FILES / "bad.gift").read_bytes())
    assert result.errors and result.errors[0][0] == 4
    assert "Unbalanced" in result.errors[0][1]


def test_gift_description_and_cloze_are_listed():
    result = gift.parse("只是一段说明文字。\n\n混合{=甲}与{~乙 =丙}\n")
    assert [(s.line, s.kind_name) for s in result.skipped] == [(1, "description"), (3, "cloze")]


def test_gift_not_utf8():
    result = gift.parse("第一行\n第二行 {T}\n".encode("gbk"))
    assert result.errors[0][0] == 1


def test_gift_escape_roundtrip():
    text = r"a \~ b \= c \# d \{ e \} f \: g \\ h"
    assert gift.unescape(gift.escape(gift.unescape(text))) == gift.unescape(text)
    assert gift.unescape(text) == "a ~ b = c # d { e } f : g \\ h"


# --- Aiken ----------------------------------------------------------------------------------

def test_aiken_single_and_multiple():
    result = aiken.parse((FILES / "sample.aiken.txt").read_bytes())
    assert result.errors == []
    first, second = result.questions
    assert first.line == 1 and first.kind == QuestionKind.single
    assert [o["fraction"] for o in first.options] == [0, 100, 0, 0]
    assert second.line == 8 and second.kind == QuestionKind.multiple
    assert [o["fraction"] for o in second.options] == [50, 50, -50]


def test_aiken_bad_answer_reports_line():
    result = aiken.parse((FILES / "bad.aiken.txt").read_bytes())
    assert [line for line, _m in result.errors] == [9]


def test_aiken_missing_answer_at_end():
    result = aiken.parse("问题\nA. 甲\nB. 乙\n")
    assert result.errors and result.errors[0][0] == 1


# --- Moodle XML -----------------------------------------------------------------------------

def test_moodle_xml_kinds():
    result = moodle_xml.parse((FILES / "sample.xml").read_bytes())
    assert result.errors == []
    kinds = [(q.line, q.kind) for q in result.questions]
    assert kinds == [(6, QuestionKind.single), (17, QuestionKind.multiple), (26, QuestionKind.truefalse),
                     (32, QuestionKind.fill_blank), (39, QuestionKind.essay), (56, QuestionKind.fill_blank)]
    yida = result.questions[0]
    assert yida.stem == "中国共产党第一次全国代表大会于1921年7月在哪里召开？"
    assert yida.category == ["党史", "新民主主义革命时期"]
    assert (yida.source, yida.knowledge_points, yida.difficulty, yida.tags, yida.default_points) == ("党史", ["党的创建"], 1, ["建党"], 2)
    assert [o["fraction"] for o in result.questions[1].options] == [34, 33, 33, -100]
    short = result.questions[3]
    assert short.answer == [["古田", "古田会议"]] and short.warnings  # the 50 % answer is left out, with a warning
    assert result.questions[4].reference_answer == "参考要点……"
    cloze = result.questions[5]
    assert cloze.answer == [["全心全意为人民服务"], ["实现共产主义", "共产主义"]]
    assert cloze.stem == "党的根本宗旨是____，党的最高理想是____。"
    assert [(s.line, s.kind_name) for s in result.skipped] == [(44, "matching"), (48, "numerical"), (52, "cloze (MULTICHOICE)")]


def test_moodle_xml_malformed_line():
    result = moodle_xml.parse((FILES / "bad.xml").read_bytes())
    assert result.questions == [] and result.errors[0][0] == 5


def test_moodle_xml_refuses_entities():
    result = moodle_xml.parse((FILES / "entity.xml").read_bytes())
    assert result.questions == [] and result.errors[0][0] == 2
    assert "Document type" in result.errors[0][1]


def test_moodle_xml_truefalse_without_answer_is_error():
    xml = b'<quiz>\n<question type="truefalse"><questiontext><text>x</text></questiontext></question>\n</quiz>'
    result = moodle_xml.parse(xml)
    assert result.errors[0][0] == 2


# --- XLSX / CSV -----------------------------------------------------------------------------

HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分类", "知识点", "难度"]
ROWS = [
    ["单选题", "党的最高理想是____。", "实现共产主义", "小康", "", "", "A", "党章总纲", "党章/总纲", "最高理想", "2"],
    ["多选题", "纪律处分种类有", "警告", "严重警告", "罚款", "", "A,B", "", "纪律", "处分种类；纪律", "中等"],
    ["判断题", "预备期为一年。", "", "", "", "", "对", "", "", "", ""],
    ["填空题", "党的根本宗旨是____，最高理想是____。", "", "", "", "", "全心全意为人民服务；实现共产主义|共产主义", "", "", "", ""],
    ["简答题", "简述三会一课。", "", "", "", "", "支部党员大会……", "", "", "", "5"],
    ["匹配题", "配对", "", "", "", "", "", "", "", "", ""],
]


def xlsx_bytes(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def check_rows(result):
    assert result.errors == []
    kinds = [(q.line, q.kind) for q in result.questions]
    assert kinds == [(2, QuestionKind.single), (3, QuestionKind.multiple), (4, QuestionKind.truefalse),
                     (5, QuestionKind.fill_blank), (6, QuestionKind.essay)]
    single, multiple, tf, blank, essay = result.questions
    assert single.category == ["党章", "总纲"] and single.difficulty == 2
    assert [o["key"] for o in single.options] == ["A", "B"]
    assert [o["fraction"] for o in multiple.options] == [50, 50, -50] and multiple.difficulty == 3
    assert multiple.knowledge_points == ["处分种类", "纪律"]
    assert tf.answer is True
    assert blank.answer == [["全心全意为人民服务"], ["实现共产主义", "共产主义"]]
    assert essay.reference_answer == "支部党员大会……" and essay.difficulty == 5
    assert [(s.line, s.kind_name) for s in result.skipped] == [(7, "匹配题")]


def test_xlsx_template_rows():
    check_rows(spreadsheet.parse_xlsx(xlsx_bytes([HEADER] + ROWS)))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(encoding):
    buf = io.StringIO()
    import csv

    csv.writer(buf).writerows([HEADER] + ROWS)
    check_rows(spreadsheet.parse_csv(buf.getvalue().encode(encoding)))


def test_csv_multiline_cell_reports_record_start_line():
    text = "题型,题干,答案\n判断题,\"第一行\n第二行\",对\n单选题,缺选项,A\n"
    result = spreadsheet.parse_csv(text.encode())
    assert result.questions[0].line == 2
    assert [line for line, _m in result.errors] == [4]  # answer A is not an option


def test_spreadsheet_errors_with_row_numbers():
    rows = [HEADER, ROWS[0], ["单选题", "无正确项", "甲", "乙", "", "", "E", "", "", "", ""],
            ["判断题", "说不清", "", "", "", "", "也许", "", "", "", ""], ["", "没有题型", "", "", "", "", "A", "", "", "", ""]]
    result = spreadsheet.parse_xlsx(xlsx_bytes(rows))
    assert [line for line, _m in result.errors] == [3, 4, 5]


def test_spreadsheet_missing_columns():
    result = spreadsheet.parse_xlsx(xlsx_bytes([["题目", "选项"], ["x", "y"]]))
    assert result.errors[0][0] == 1 and "题型" in result.errors[0][1]


def test_broken_xlsx():
    assert spreadsheet.parse_xlsx(b"PK\x03\x04garbage").errors[0][0] == 1


def test_template_files_parse():
    for data in (spreadsheet.write_xlsx([], template=True), ):
        result = spreadsheet.parse_xlsx(data)
        assert result.errors == [] and len(result.questions) == 5
    result = spreadsheet.parse_csv(spreadsheet.write_csv([], template=True))
    assert result.errors == [] and {q.kind for q in result.questions} == set(QuestionKind)


# --- detection ------------------------------------------------------------------------------

def test_detect_by_content():
    assert formats.detect("x.txt", b"PK\x03\x04...") == "xlsx"
    assert formats.detect("bank.xlsx", b"not a zip") is None
    assert formats.detect("x.dat", b'<?xml version="1.0"?><quiz/>') == "moodle-xml"
    assert formats.detect("x.gift", "题 {T}".encode()) == "gift"
    assert formats.detect("x.txt", (FILES / "sample.aiken.txt").read_bytes()) == "aiken"
    assert formats.detect("x.csv", "题型,题干".encode()) == "csv"
    assert formats.detect("x.png", b"\x89PNG\r\n\x1a\n\x00\x00") is None
    assert not formats.content_matches("xlsx", b"abc")
    assert not formats.content_matches("gift", b"PK\x03\x04")
