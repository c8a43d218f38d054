"""The XLSX/CSV template with Chinese headers: one question per row.

Columns (order free, found by header): 题型 题干 选项A…选项F (more letters allowed) 答案 解析 分类 知识点
难度, and optionally 标题 来源 分值 标签 得分比例. Answers: a letter for 单选题, letters for 多选题
("ABD", "A,B,D"), 对/错 for 判断题, for 填空题 one group per blank separated by "；" with accepted
alternatives separated by "|", and a reference answer for 简答题. CSV may be UTF-8 (with or without
BOM) or GBK. Line numbers in reports are spreadsheet row numbers (CSV: the record's first line).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask_babel import gettext as _

from learnapp import spreadsheets
from learnapp.bank.formats.base import (
    OPTION_KEYS,
    ParsedQuestion,
    ParseResult,
    Skipped,
    even_fractions,
    keyed,
    split_list,
)
from learnapp.bank.models import KIND_CHINESE, QuestionKind
from learnapp.bank.normalise import count_blanks

BASE_HEADERS = ["题型", "标题", "题干"]
TAIL_HEADERS = ["答案", "得分比例", "解析", "分类", "知识点", "标签", "难度", "来源", "分值"]
TEMPLATE_OPTION_COUNT = 6

# Header spellings seen in other banks' templates → our column names.
HEADER_ALIASES = {
    "题目类型": "题型", "类型": "题型", "kind": "题型", "type": "题型",
    "题目": "题干", "试题": "题干", "试题内容": "题干", "题目内容": "题干", "stem": "题干", "question": "题干",
    "正确答案": "答案", "参考答案": "答案", "answer": "答案",
    "答案解析": "解析", "试题解析": "解析", "explanation": "解析",
    "题目分类": "分类", "类别": "分类", "category": "分类",
    "知识点名称": "知识点", "knowledge points": "知识点",
    "难易程度": "难度", "难易度": "难度", "difficulty": "难度",
    "出处": "来源", "source": "来源",
    "分数": "分值", "points": "分值",
    "tags": "标签", "title": "标题", "名称": "标题",
}

KIND_NAMES = {
    QuestionKind.single: ["单选题", "单选", "单项选择题", "单项选择", "single"],
    QuestionKind.multiple: ["多选题", "多选", "多项选择题", "多项选择", "不定项选择题", "multiple"],
    QuestionKind.truefalse: ["判断题", "判断", "是非题", "truefalse", "true/false"],
    QuestionKind.fill_blank: ["填空题", "填空", "fill_blank", "fill in the blank"],
    QuestionKind.essay: ["简答题", "简答", "问答题", "论述题", "主观题", "essay", "short answer"],
}
_KIND_LOOKUP = {name.lower(): kind for kind, names in KIND_NAMES.items() for name in names}
TRUE_WORDS = {"对", "正确", "√", "✓", "✔", "t", "true", "是", "y", "yes", "1"}
FALSE_WORDS = {"错", "错误", "×", "✗", "✘", "x", "f", "false", "否", "n", "no", "0"}
DIFFICULTY_WORDS = {"易": 1, "容易": 1, "简单": 1, "较易": 2, "中": 3, "中等": 3, "一般": 3, "较难": 4, "难": 5, "困难": 5}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "对" if value else "错"
    return str(value).strip()


def _column(header: str) -> str:
    name = header.strip().replace(" ", "").replace("\u3000", "")
    if re.fullmatch(r"(选项|反馈)[A-Za-zＡ-Ｚ]", name):
        return name[:2] + name[-1].upper().translate(str.maketrans("ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ", OPTION_KEYS))
    return HEADER_ALIASES.get(header.strip().lower(), HEADER_ALIASES.get(name, name))


def parse_rows(rows: list[tuple[int, list[Any]]]) -> ParseResult:
    """Rows as (line number, cells) → questions; the first non-empty row is the header."""
    result = ParseResult()
    header: dict[str, int] | None = None
    for line, cells in rows:
        values = [_cell(c) for c in cells]
        if not any(values):
            continue
        if header is None:
            header = {}
            for i, v in enumerate(values):
                if v:
                    header.setdefault(_column(v), i)
            missing = [h for h in ("题型", "题干", "答案") if h not in header]
            if missing:
                result.errors.append((line, _("Missing columns: %(columns)s. Use the downloadable template.", columns="、".join(missing))))
                return result
            continue
        row = {name: values[i] if i < len(values) else "" for name, i in header.items()}
        _row(row, line, result)
    if header is None:
        result.errors.append((1, _("The file is empty.")))
    return result


def _row(row: dict[str, str], line: int, result: ParseResult) -> None:
    kind_name = row.get("题型", "")
    stem = row.get("题干", "")
    if not kind_name:
        result.errors.append((line, _("The column 题型 is empty.")))
        return
    kind = _KIND_LOOKUP.get(kind_name.lower())
    if kind is None:
        result.skipped.append(Skipped(line, kind_name, _("This kind of question is not supported."), row.get("标题", "")))
        return
    q = ParsedQuestion(kind=kind, stem=stem, line=line, title=row.get("标题") or None)
    q.explanation = row.get("解析", "")
    q.source = row.get("来源") or None
    q.knowledge_points = split_list(row.get("知识点"))
    q.tags = split_list(row.get("标签"))
    q.category = [p.strip() for p in re.split(r"[/>＞／]", row.get("分类", "")) if p.strip()]
    problems: list[str] = []
    difficulty = row.get("难度", "")
    if difficulty:
        if difficulty.isdigit():
            q.difficulty = int(difficulty)
        elif difficulty in DIFFICULTY_WORDS:
            q.difficulty = DIFFICULTY_WORDS[difficulty]
        else:
            problems.append(_("Difficulty must be 1 to 5."))
    points = row.get("分值", "")
    if points:
        if points.isdigit():
            q.default_points = int(points)
        else:
            problems.append(_("Points must be a whole number from 0 to 1000."))
    answer = row.get("答案", "")
    if kind.is_choice:
        texts = [(key, row.get(f"选项{key}", "")) for key in OPTION_KEYS]
        last = max((i for i, (_k, t) in enumerate(texts) if t), default=-1)
        texts = texts[: last + 1]
        keys = [k for k, _t in texts]
        letters = [c for c in answer.upper().replace("，", ",") if c.isalpha()]
        if not letters:
            problems.append(_("The answer is empty."))
        elif any(c not in keys for c in letters):
            problems.append(_("The answer %(answer)s is not one of the options.", answer=answer))
        elif kind == QuestionKind.single and len(set(letters)) != 1:
            problems.append(_("A single-choice question takes exactly one letter as its answer."))
        fractions = even_fractions([k in letters for k in keys])
        weights = row.get("得分比例", "")
        if weights:
            parsed = _weights(weights, keys)
            if parsed is None:
                problems.append(_("The weights must read like A=50,B=50,C=-100."))
            else:
                fractions = parsed
        q.options = keyed([(t, f, row.get(f"反馈{k}", "")) for (k, t), f in zip(texts, fractions, strict=True)])
    elif kind == QuestionKind.truefalse:
        word = answer.lower()
        if word in TRUE_WORDS:
            q.answer = True
        elif word in FALSE_WORDS:
            q.answer = False
        else:
            problems.append(_("A true/false answer must be 对 or 错."))
    elif kind == QuestionKind.fill_blank:
        groups = [g for g in re.split(r"[;；]", answer)]
        q.answer = [[a.strip() for a in re.split(r"[|｜]", g) if a.strip()] for g in groups if g.strip()]
        if count_blanks(stem) == 0 and len(q.answer) == 1:
            q.stem = stem.rstrip() + "____"
    else:
        q.reference_answer = answer
    for problem in problems:
        result.errors.append((line, problem))
    if not problems:
        result.questions.append(q)


def _weights(text: str, keys: list[str]) -> list[int] | None:
    parts = [p.strip() for p in re.split(r"[,，;；\s]+", text) if p.strip()]
    by_key: dict[str, int] = {}
    try:
        if all("=" in p for p in parts):
            for p in parts:
                key, value = p.split("=", 1)
                by_key[key.strip().upper()] = int(value.strip().rstrip("%"))
        elif len(parts) == len(keys):
            by_key = {k: int(p.rstrip("%")) for k, p in zip(keys, parts, strict=True)}
        else:
            return None
    except ValueError:
        return None
    if any(k not in keys for k in by_key):
        return None
    return [by_key.get(k, 0) for k in keys]


def parse_xlsx(data: bytes) -> ParseResult:
    """Parse the first sheet (or the one named 题目) of an XLSX workbook, within the upload limits."""
    try:
        rows = spreadsheets.xlsx_rows(data, choose_sheet=lambda book: book["题目"] if "题目" in book.sheetnames
                                      else book.worksheets[0])
    except spreadsheets.SpreadsheetDamaged:
        result = ParseResult()
        result.errors.append((1, _("The file is not a readable XLSX workbook.")))
        return result
    except spreadsheets.SpreadsheetRefused as exc:
        result = ParseResult()
        result.errors.append((1, exc.messages[0]))
        return result
    return parse_rows([(i, list(r)) for i, r in rows])


def decode_text(data: bytes) -> tuple[str | None, str]:
    """CSV bytes as text: UTF-8 with or without BOM, else GBK (read as its superset GB18030)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError:
        return None, ""


def parse_csv(data: bytes) -> ParseResult:
    """Parse the template saved as CSV (comma or tab separated)."""
    text, _encoding = decode_text(data)
    if text is None:
        result = ParseResult()
        result.errors.append((1, _("The file is neither UTF-8 nor GBK text.")))
        return result
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    def numbered():
        start = 1
        for cells in reader:
            # A cell the site's own CSV export quoted ('=…, '-…) reads back as it was written.
            yield start, [spreadsheets.unescape_text(c) for c in cells]
            start = reader.line_num + 1

    try:
        rows = list(spreadsheets.capped_rows(numbered()))
    except csv.Error as exc:
        result = ParseResult()
        result.errors.append((reader.line_num, _("Not a valid CSV file: %(error)s", error=str(exc))))
        return result
    except spreadsheets.SpreadsheetRefused as exc:
        result = ParseResult()
        result.errors.append((reader.line_num, exc.messages[0]))
        return result
    return parse_rows(rows)


# --- writers --------------------------------------------------------------------------------

def _headers(option_count: int, feedback: bool = False) -> list[str]:
    feedback_headers = [f"反馈{OPTION_KEYS[i]}" for i in range(option_count)] if feedback else []
    return BASE_HEADERS + [f"选项{OPTION_KEYS[i]}" for i in range(option_count)] + TAIL_HEADERS + feedback_headers


def _answer_cell(q: ParsedQuestion) -> str:
    kind = QuestionKind(q.kind)
    if kind.is_choice:
        return "".join(o["key"] for o in q.options if int(o.get("fraction", 0)) > 0)
    if kind == QuestionKind.truefalse:
        return "对" if q.answer else "错"
    if kind == QuestionKind.fill_blank:
        return "；".join("|".join(accepted) for accepted in q.answer or [])
    return q.reference_answer or ""


def _weights_cell(q: ParsedQuestion) -> str:
    if not QuestionKind(q.kind).is_choice:
        return ""
    fractions = [int(o.get("fraction", 0)) for o in q.options]
    if fractions == even_fractions([f > 0 for f in fractions]):
        return ""  # the default weights: the answer letters say it all
    return ",".join(f"{o['key']}={int(o.get('fraction', 0))}" for o in q.options)


def rows_for(questions: list[ParsedQuestion]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the template for `questions`."""
    option_count = max([TEMPLATE_OPTION_COUNT] + [len(q.options) for q in questions])
    # Per-option feedback (from GIFT or Moodle) gets columns 反馈A… only when some question has it.
    feedback = any(o.get("feedback") for q in questions for o in q.options)
    rows = []
    for q in questions:
        padding = [""] * (option_count - len(q.options))
        options = [o["text"] for o in q.options] + padding
        row = [KIND_CHINESE[QuestionKind(q.kind)], q.title or "", q.stem] + options + [
            _answer_cell(q), _weights_cell(q), q.explanation or "", "/".join(q.category), "；".join(q.knowledge_points),
            "；".join(q.tags), q.difficulty if q.difficulty is not None else "", q.source or "", q.default_points,
        ]
        if feedback:
            row += [o.get("feedback", "") for o in q.options] + padding
        rows.append(row)
    return _headers(option_count, feedback), rows


TEMPLATE_EXAMPLES = [
    ["单选题", "", "党的最高理想和最终目标是____。", "实现共产主义", "实现社会主义现代化", "全面建成小康社会", "实现中华民族伟大复兴", "", "",
     "A", "", "党章总纲：党的最高理想和最终目标是实现共产主义。", "党章/总纲", "最高理想", "", 1, "党章", 1],
    ["多选题", "", "党员必须履行的义务包括（  ）。", "认真学习马克思列宁主义……", "全心全意为人民服务", "坚决执行党的决定", "享受特殊待遇", "", "",
     "ABC", "", "见党章第三条。", "党章/党员", "党员义务", "", 2, "党章", 1],
    ["判断题", "", "预备党员的预备期为一年。", "", "", "", "", "", "", "对", "", "党章第七条。", "党章/党员", "预备期", "", 1, "党章", 1],
    ["填空题", "", "党的基层组织是党在社会基层组织中的____。", "", "", "", "", "", "", "战斗堡垒", "", "党章第三十二条。", "党章/基层组织",
     "基层组织", "", 2, "党章", 1],
    ["简答题", "", "简述入党积极分子的培养教育方式。", "", "", "", "", "", "",
     "采取党组织帮助培养、吸收参加党内有关学习和活动、分配一定社会工作、集中培训等方法。", "", "", "发展党员工作细则", "培养教育", "", 3,
     "发展党员工作细则", 5],
]

INSTRUCTIONS = [
    ("题型", "单选题、多选题、判断题、填空题、简答题（必填）"),
    ("标题", "可空；题目的简短名称"),
    ("题干", "必填；填空题用____（四个以上下划线）或 {} 标出空位，空位数须与答案组数相同"),
    ("选项A…选项F", "选择题的选项，可增加选项G等列"),
    ("答案", "单选填一个字母；多选填多个字母，如 ABD；判断填“对”或“错”；填空题每空之间用“；”分隔，同一空的多个可接受答案用“|”分隔；简答题填参考答案"),
    ("得分比例", "可空；自定义各选项得分百分比，如 A=50,B=50,C=-100"),
    ("解析", "答案解析"),
    ("分类", "用“/”分隔的分类路径，如 党章/总纲；导入时不存在的分类自动创建"),
    ("知识点、标签", "多个用“；”或“、”分隔"),
    ("难度", "1–5，或 易、较易、中等、较难、难"),
    ("来源", "如 党章、发展党员工作细则、党史、纪律处分条例、准则"),
    ("分值", "默认分值（整数），默认 1"),
]


def write_xlsx(questions: list[ParsedQuestion], *, template: bool = False) -> bytes:
    """An XLSX workbook: sheet 题目 (header + rows) and sheet 填写说明."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    headers, rows = rows_for(questions)
    if template:
        rows = [list(r) for r in TEMPLATE_EXAMPLES]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    spreadsheets.append_row(sheet, headers)
    for row in rows:
        spreadsheets.append_row(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, header in enumerate(headers, start=1):
        letter = sheet.cell(row=1, column=i).column_letter
        sheet.column_dimensions[letter].width = 48 if header in ("题干", "解析") else 20 if header.startswith("选项") else 12
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    kinds = DataValidation(type="list", formula1='"单选题,多选题,判断题,填空题,简答题"', allow_blank=True)
    sheet.add_data_validation(kinds)
    kinds.add("A2:A5000")
    notes = workbook.create_sheet("填写说明")
    spreadsheets.append_row(notes, ["列", "说明"])
    for row in INSTRUCTIONS:
        spreadsheets.append_row(notes, row)
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(questions: list[ParsedQuestion], *, template: bool = False) -> bytes:
    """The same columns as CSV, UTF-8 with BOM so Excel opens Chinese text correctly."""
    headers, rows = rows_for(questions)
    if template:
        rows = [list(r) for r in TEMPLATE_EXAMPLES]
    buffer = io.StringIO(newline="")
    writer = spreadsheets.csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
