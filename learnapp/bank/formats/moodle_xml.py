"""Moodle XML: parser to the intermediate form (with line numbers) and writer.

Supported types: category, multichoice (single and multiple), truefalse, shortanswer (→ one
blank), essay, and cloze made only of SHORTANSWER sub-questions (→ several blanks). Every other
type (matching, numerical, calculated, ddwtos, …) is listed as unsupported with its line.

Safety: the standard library's ElementTree never fetches external entities, and a document type
declaration is refused outright before parsing, so entity-expansion bombs cannot start.
Metadata travels as Moodle tags with a prefix: 来源:…, 知识点:…, 难度:…; <defaultgrade> is the points.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any
from xml.parsers import expat

from flask_babel import gettext as _

from learnapp.bank.formats.base import (
    ParsedQuestion,
    ParseResult,
    Skipped,
    html_to_text,
    keyed,
    round_fractions,
)
from learnapp.bank.models import QuestionKind
from learnapp.bank.normalise import BLANK_RE, count_blanks

_CLOZE_RE = re.compile(r"\{(\d*):(SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC|[A-Z_]+):((?:\\.|[^}])*)\}")
_SHORT_TYPES = {"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"}
_PREFIXES = {"来源": "source", "知识点": "kp", "难度": "difficulty"}


class _Refused(Exception):
    pass


def _build_tree(raw: bytes) -> tuple[ET.Element, dict[ET.Element, int]]:
    """Parse with expat directly so each element knows its line (ElementTree's C parser does not
    expose it). Document type declarations are refused, so no entity can be declared at all."""
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def start(tag, attrs):
        lines[builder.start(tag, attrs)] = parser.CurrentLineNumber

    def refuse(*_args):
        raise _Refused(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.Parse(raw, True)
    return builder.close(), lines


def _text(element: ET.Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    node = element.find(path) if path else element
    return (node.text or "") if node is not None else ""


def _formatted(element: ET.Element | None) -> str:
    """The text of a <questiontext>/<feedback>-like element, HTML reduced to plain text."""
    if element is None:
        return ""
    raw = _text(element)
    if element.get("format", "html") == "html":
        return html_to_text(raw)
    return raw.strip()


def parse(data: bytes | str) -> ParseResult:
    """Parse a Moodle XML question file."""
    result = ParseResult()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        root, lines = _build_tree(raw)
    except _Refused as exc:
        result.errors.append((exc.args[0], _("Document type declarations and entities are not accepted.")))
        return result
    except expat.ExpatError as exc:
        result.errors.append((exc.lineno, _("Not well-formed XML: %(error)s", error=expat.errors.messages[exc.code])))
        return result
    if root.tag != "quiz":
        result.errors.append((lines.get(root, 1), _("The root element must be <quiz>.")))
        return result
    category: list[str] = []
    for element in root:
        line = lines.get(element, 0)
        if element.tag != "question":
            result.errors.append((line, _("Unexpected element <%(tag)s>.", tag=element.tag)))
            continue
        qtype = element.get("type", "")
        if qtype == "category":
            path = _text(element.find("category"))
            parts = [p.strip() for p in path.split("/") if p.strip()]
            if parts and parts[0].startswith("$") and parts[0].endswith("$"):
                parts = parts[1:]
            if parts and parts[0] == "top":
                parts = parts[1:]
            category = parts
            continue
        try:
            question = _question(element, qtype, line, category, result)
        except ValueError as exc:
            result.errors.append((line, str(exc)))
            continue
        if question is not None:
            result.questions.append(question)
    return result


def _question(element: ET.Element, qtype: str, line: int, category: list[str], result: ParseResult) -> ParsedQuestion | None:
    title = _text(element.find("name")).strip() or None
    stem = _formatted(element.find("questiontext"))
    q = ParsedQuestion(kind=QuestionKind.essay, stem=stem, line=line, title=title, category=list(category))
    q.explanation = _formatted(element.find("generalfeedback"))
    grade = _text(element, "defaultgrade").strip()
    if grade:
        try:
            q.default_points = max(0, round(float(grade)))
        except ValueError as exc:
            raise ValueError(_("<defaultgrade> is not a number.")) from exc
    for tag in element.findall("tags/tag"):
        value = _text(tag).strip()
        m = re.match(r"^(来源|知识点|难度)[:：](.*)$", value, re.DOTALL)
        if not m:
            if value and value not in q.tags:
                q.tags.append(value)
        elif _PREFIXES[m.group(1)] == "source":
            q.source = m.group(2).strip()
        elif _PREFIXES[m.group(1)] == "kp":
            q.knowledge_points.append(m.group(2).strip())
        elif m.group(2).strip().isdigit():
            q.difficulty = int(m.group(2).strip())
    answers = element.findall("answer")

    if qtype == "multichoice":
        single = _text(element, "single").strip().lower() in ("true", "1")
        q.kind = QuestionKind.single if single else QuestionKind.multiple
        fractions = round_fractions([_answer_weight(answer) for answer in answers])
        q.options = keyed([(_formatted(answer), fraction, _formatted(answer.find("feedback")))
                           for answer, fraction in zip(answers, fractions, strict=True)])
    elif qtype == "truefalse":
        q.kind = QuestionKind.truefalse
        truth = None
        for answer in answers:
            if _fraction(answer) == 100:
                truth = _text(answer).strip().lower() in ("true", "对", "正确")
        if truth is None:
            raise ValueError(_("A true/false question has no answer worth 100 percent."))
        q.answer = truth
    elif qtype == "shortanswer":
        q.kind = QuestionKind.fill_blank
        accepted = []
        for answer in answers:
            text = _text(answer).strip()
            if _fraction(answer) < 100:
                q.warnings.append(_("An answer worth less than 100 percent was left out: %(answer)s", answer=text))
            elif text:
                accepted.append(text)
        if count_blanks(q.stem) == 0:
            q.stem = q.stem.rstrip() + "____"
        q.answer = [accepted]
    elif qtype == "essay":
        q.kind = QuestionKind.essay
        q.reference_answer = _formatted(element.find("graderinfo"))
    elif qtype == "cloze":
        raw = _text(element.find("questiontext"))
        if element.find("questiontext") is not None and element.find("questiontext").get("format", "html") == "html":
            raw = html_to_text(raw)
        subs = _CLOZE_RE.findall(raw)
        if not subs or any(kind not in _SHORT_TYPES for _w, kind, _body in subs):
            others = sorted({kind for _w, kind, _body in subs if kind not in _SHORT_TYPES})
            result.skipped.append(Skipped(line, "cloze" + (f" ({', '.join(others)})" if others else ""),
                                          _("Cloze questions with choice or numeric parts are not supported."), title or ""))
            return None
        blanks = []
        for _weight, _kind, body in subs:
            accepted = []
            for part in re.split(r"(?<!\\)~", body):
                m = re.match(r"^(?:=|%(\d+)%)(.*?)(?:#.*)?$", part, re.DOTALL)
                if m and (m.group(1) is None or m.group(1) == "100"):
                    accepted.append(m.group(2).replace("\\}", "}").replace("\\~", "~").strip())
            blanks.append(accepted)
        q.kind = QuestionKind.fill_blank
        q.stem = _CLOZE_RE.sub("____", raw).strip()
        q.answer = blanks
    else:
        result.skipped.append(Skipped(line, qtype or "?", _("This kind of question is not supported."), title or ""))
        return None
    if q.title == _title_from(q.stem):
        q.title = None  # the writer's stand-in name, not a real title
    return q


def _answer_weight(answer: ET.Element) -> float:
    raw = answer.get("fraction", "0")
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(_("The fraction %(value)s is not a number.", value=raw)) from exc


def _fraction(answer: ET.Element) -> int:
    return round(_answer_weight(answer))


# --- writer ---------------------------------------------------------------------------------

def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: Any) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _text_element(parent: ET.Element, tag: str, text: str, fmt: str | None = "markdown") -> ET.Element:
    element = _sub(parent, tag, **({"format": fmt} if fmt else {}))
    _sub(element, "text", text)
    return element


def write(questions: list[ParsedQuestion]) -> bytes:
    """A Moodle XML <quiz> with a category entry whenever the category changes."""
    root = ET.Element("quiz")
    current: list[str] | None = None
    for q in questions:
        if q.category != current:
            current = q.category
            cat = _sub(root, "question", type="category")
            _text_element(cat, "category", "$course$/top/" + "/".join(c.replace("/", "-") for c in current), None)
        kind = QuestionKind(q.kind)
        qtype = {QuestionKind.single: "multichoice", QuestionKind.multiple: "multichoice", QuestionKind.truefalse: "truefalse",
                 QuestionKind.essay: "essay"}.get(kind)
        if kind == QuestionKind.fill_blank:
            qtype = "shortanswer" if len(q.answer or []) == 1 else "cloze"
        element = _sub(root, "question", type=qtype)
        _text_element(element, "name", q.title or _title_from(q.stem), None)
        stem = q.stem
        if qtype == "cloze":
            pieces = BLANK_RE.split(stem)
            stem = pieces[0]
            for accepted, piece in zip(q.answer, pieces[1:], strict=False):
                body = "~".join("=" + a.replace("}", "\\}").replace("~", "\\~") for a in accepted)
                stem += "{1:SHORTANSWER:" + body + "}" + piece
        _text_element(element, "questiontext", stem, "markdown" if qtype != "cloze" else "plain_text")
        _text_element(element, "generalfeedback", q.explanation or "")
        _sub(element, "defaultgrade", f"{q.default_points:.7f}")
        _sub(element, "penalty", "0.0000000")
        _sub(element, "hidden", "0")
        if kind.is_choice:
            _sub(element, "single", "true" if kind == QuestionKind.single else "false")
            _sub(element, "shuffleanswers", "true")
            _sub(element, "answernumbering", "ABCD")
            for option in q.options:
                answer = _text_element(element, "answer", option["text"], "plain_text")
                answer.set("fraction", str(int(option.get("fraction", 0))))
                _text_element(answer, "feedback", option.get("feedback", ""))
        elif kind == QuestionKind.truefalse:
            for value in ("true", "false"):
                answer = _text_element(element, "answer", value, "moodle_auto_format")
                answer.set("fraction", "100" if (value == "true") == bool(q.answer) else "0")
                _text_element(answer, "feedback", "")
        elif qtype == "shortanswer":
            _sub(element, "usecase", "0")
            for accepted in q.answer[0]:
                answer = _text_element(element, "answer", accepted, "moodle_auto_format")
                answer.set("fraction", "100")
                _text_element(answer, "feedback", "")
        elif kind == QuestionKind.essay:
            _sub(element, "responseformat", "editor")
            _sub(element, "responserequired", "1")
            _sub(element, "responsefieldlines", "10")
            _text_element(element, "graderinfo", q.reference_answer or "")
        tags = [f"来源:{q.source}"] if q.source else []
        tags += [f"知识点:{k}" for k in q.knowledge_points]
        tags += [f"难度:{q.difficulty}"] if q.difficulty is not None else []
        tags += list(q.tags)
        if tags:
            tags_element = _sub(element, "tags")
            for tag in tags:
                _text_element(tags_element, "tag", tag, None)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def _title_from(stem: str) -> str:
    """Moodle needs a name; the stem's first 40 characters on one line serve."""
    one_line = " ".join((stem or "").split())
    return one_line[:40] + ("…" if len(one_line) > 40 else "")

