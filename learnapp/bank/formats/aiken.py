"""Aiken: single-choice questions as plain text (question, lettered options, `ANSWER: X`).

Accepted beyond the strict format, because Chinese banks write it so: options `A、` and `A．`,
`答案：B`, a question text over several lines, and several letters (`ANSWER: A,C` or `ABD`) for a
multiple-choice question. The writer emits only single and multiple choice; other kinds cannot be
expressed in Aiken and are reported by the caller.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from learnapp.bank.formats.base import (
    OPTION_KEYS,
    ParsedQuestion,
    ParseResult,
    even_fractions,
    keyed,
)
from learnapp.bank.models import QuestionKind

_OPTION_RE = re.compile(r"^\s*([A-Z])\s*[.)、．）]\s*(.*)$")
_ANSWER_RE = re.compile(r"^\s*(?:ANSWER|答案)\s*[:：]\s*(.*)$", re.IGNORECASE)


def parse(data: bytes | str) -> ParseResult:
    """Parse an Aiken file (UTF-8, BOM allowed)."""
    result = ParseResult()
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            result.errors.append((data[: exc.start].count(b"\n") + 1, _("The file is not UTF-8 text.")))
            return result
    else:
        text = data.lstrip("\ufeff")
    stem_lines: list[str] = []
    start = 0
    options: list[tuple[str, str]] = []  # (letter, text)

    def reset() -> None:
        nonlocal stem_lines, options, start
        stem_lines, options, start = [], [], 0

    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if not line.strip():
            if options:
                # A blank line inside a question: Moodle allows none, but an empty line between
                # options and ANSWER is harmless; a new question cannot start before ANSWER.
                continue
            if stem_lines:
                stem_lines.append("")
            continue
        answer = _ANSWER_RE.match(line)
        option = _OPTION_RE.match(line)
        if answer:
            if not stem_lines or not options:
                result.errors.append((number, _("ANSWER line without a question and its options.")))
                reset()
                continue
            letters = [c for c in answer.group(1).upper() if c.isalpha()]
            keys = [k for k, _t in options]
            bad = [c for c in letters if c not in keys]
            if not letters or bad:
                result.errors.append((number, _("The answer %(answer)s is not one of the options.", answer=answer.group(1).strip())))
                reset()
                continue
            if keys != list(OPTION_KEYS[: len(keys)]):
                result.errors.append((number, _("Options must be lettered A, B, C… in order.")))
                reset()
                continue
            correct = [k in letters for k in keys]
            kind = QuestionKind.single if len(set(letters)) == 1 else QuestionKind.multiple
            fractions = even_fractions(correct)
            q = ParsedQuestion(kind=kind, stem="\n".join(stem_lines).strip(), line=start,
                               options=keyed([(t, f, "") for (_k, t), f in zip(options, fractions, strict=True)]))
            result.questions.append(q)
            reset()
        elif option and stem_lines:
            options.append((option.group(1), option.group(2).strip()))
        elif options:
            result.errors.append((number, _("Expected another option or the ANSWER line.")))
            reset()
        else:
            if not stem_lines:
                start = number
            stem_lines.append(line.strip())
    if stem_lines or options:
        result.errors.append((start, _("The last question has no ANSWER line.")))
    return result


def write(questions: list[ParsedQuestion]) -> bytes:
    """Aiken text for the choice questions among `questions` (others are left out)."""
    out = []
    for q in questions:
        if not QuestionKind(q.kind).is_choice:
            continue
        out.append(q.stem.replace("\n", " ").strip())
        for option in q.options:
            out.append(f"{option['key']}. {option['text']}")
        letters = ",".join(o["key"] for o in q.options if int(o.get("fraction", 0)) > 0)
        out.append(f"ANSWER: {letters}")
        out.append("")
    return "\n".join(out).encode("utf-8")
