"""GIFT writer: the bank's questions as GIFT text that gift.parse reads back to the same questions.

Metadata is written as `// [来源:…] [知识点:…] [难度:…] [分值:…] [tag:…] [参考答案:…]` before each
question; a fill-in-the-blank question with several blanks uses one `{=…}` block per blank (Moodle
itself reads only one block per question, so such questions are for learnapp-to-learnapp transfer).
"""

from __future__ import annotations

from typing import Any

from learnapp.bank.formats.base import ParsedQuestion
from learnapp.bank.formats.gift import escape
from learnapp.bank.models import QuestionKind
from learnapp.bank.normalise import BLANK_RE


def _meta_comment(q: ParsedQuestion) -> str:
    items = []

    def item(key: str, value: Any) -> None:
        value = str(value).replace("\\", "\\\\").replace("]", "\\]").replace("\n", "\\n")
        items.append(f"[{key}:{value}]")

    if q.source:
        item("来源", q.source)
    for kp in q.knowledge_points:
        item("知识点", kp)
    if q.difficulty is not None:
        item("难度", q.difficulty)
    if q.default_points != 1:
        item("分值", q.default_points)
    for tag in q.tags:
        item("tag", tag)
    if q.reference_answer:
        item("参考答案", q.reference_answer)
    return "// " + " ".join(items) if items else ""


def _answer_block(q: ParsedQuestion, general: str) -> str:
    kind = QuestionKind(q.kind)
    if kind == QuestionKind.truefalse:
        return "{" + ("TRUE" if q.answer else "FALSE") + general + "}"
    if kind == QuestionKind.essay:
        return "{" + general + "}"
    parts = []
    for option in q.options:
        fraction = int(option.get("fraction", 0))
        text = escape(option.get("text", ""))
        if kind == QuestionKind.single and fraction == 100:
            part = f"={text}"
        elif kind == QuestionKind.single and fraction == 0:
            part = f"~{text}"
        else:
            part = f"~%{fraction}%{text}"
        if option.get("feedback"):
            part += f"#{escape(option['feedback'])}"
        parts.append(part)
    if general:
        parts.append(general)
    return "{\n\t" + "\n\t".join(parts) + "\n}"


def write(questions: list[ParsedQuestion]) -> bytes:
    """GIFT text (UTF-8) for the questions, with a $CATEGORY line whenever the category changes."""
    out: list[str] = []
    current: list[str] | None = None
    for q in questions:
        if q.category != current:
            current = q.category
            out.append(f"$CATEGORY: $course$/top/{'/'.join(c.replace('/', '-') for c in current)}")
            out.append("")
        comment = _meta_comment(q)
        if comment:
            out.append(comment)
        title = f"::{escape(q.title)}::" if q.title else ""
        prefix = title + "[markdown]"
        general = f"####{escape(q.explanation)}" if q.explanation else ""
        kind = QuestionKind(q.kind)
        if kind == QuestionKind.fill_blank:
            blocks = []
            for accepted in q.answer or []:
                blocks.append("{" + " ".join(f"={escape(a)}" for a in accepted) + "}")
            pieces = BLANK_RE.split(q.stem)
            body = escape(pieces[0])
            for i, piece in enumerate(pieces[1:]):
                blk = blocks[i] if i < len(blocks) else "{}"
                if i == 0 and general:
                    blk = blk[:-1] + general + "}"
                body += blk + escape(piece)
            out.append(prefix + body)
        else:
            out.append(prefix + escape(q.stem) + _answer_block(q, general))
        out.append("")
    return ("\n".join(out) + "\n").encode("utf-8")
