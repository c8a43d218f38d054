"""The common intermediate form every parser produces and every writer consumes.

A parser never touches the database: it turns a file into `ParsedQuestion`s (each with the line it
starts on), `Skipped` entries for kinds learnapp does not support, and `errors` for malformed
input. The import service writes nothing unless `errors` is empty.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from flask_babel import gettext as _

from learnapp.bank.models import QuestionKind
from learnapp.bank.normalise import count_blanks, fingerprint
from learnapp.citations import MAX_CITATION, split_source

OPTION_KEYS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_OPTIONS = 26


@dataclass
class ParsedQuestion:
    """One question as read from a file (or a form), before it is a database row."""

    kind: QuestionKind
    stem: str
    line: int = 0
    title: str | None = None
    options: list[dict[str, Any]] = field(default_factory=list)
    answer: Any = None
    explanation: str = ""
    reference_answer: str = ""
    source: str | None = None
    knowledge_points: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    difficulty: int | None = None
    default_points: int = 1
    category: list[str] = field(default_factory=list)  # names from the bank's root down
    warnings: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.kind, self.stem, self.options, self.answer)

    def content(self) -> dict[str, Any]:
        """The fields a QuestionVersion stores (for comparing and creating versions)."""
        return {
            "kind": QuestionKind(self.kind), "title": self.title or None, "stem": self.stem,
            "options": self.options, "answer": self.answer, "explanation": self.explanation or "",
            "reference_answer": self.reference_answer or "", **_source_columns(self.source),
            "knowledge_points": list(self.knowledge_points), "tags": list(self.tags),
            "difficulty": self.difficulty, "default_points": self.default_points,
        }

    @classmethod
    def from_version(cls, version, category: list[str] | None = None) -> ParsedQuestion:
        """The intermediate form of a stored version (what the writers export)."""
        return cls(
            kind=QuestionKind(version.kind), stem=version.stem, title=version.title,
            options=[dict(o) for o in version.options or []], answer=version.answer,
            explanation=version.explanation or "", reference_answer=version.reference_answer or "",
            source=version.citation or version.source, knowledge_points=list(version.knowledge_points or []),
            tags=list(version.tags or []), difficulty=version.difficulty,
            default_points=version.default_points, category=list(category or []),
        )


def _source_columns(text: str | None) -> dict[str, str | None]:
    """The document's short name (what banks are filtered by) and the citation in full."""
    found = split_source(text)
    return {"source": found.short_name or None, "citation": found.citation or None}


@dataclass
class Skipped:
    """A question left out of the import, with the kind's name as the file spells it."""

    line: int
    kind_name: str
    reason: str
    title: str = ""


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_plain(self) -> dict[str, Any]:
        """The result as JSON-safe data, kept between an upload's preview and its confirmation."""
        return {
            "questions": [{**asdict(q), "kind": QuestionKind(q.kind).value} for q in self.questions],
            "skipped": [asdict(s) for s in self.skipped],
            "errors": [[line, str(message)] for line, message in self.errors],
        }

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> ParseResult:
        """The result `to_plain` kept, as the parser gave it."""
        return cls(
            questions=[ParsedQuestion(**{**q, "kind": QuestionKind(q["kind"])}) for q in data["questions"]],
            skipped=[Skipped(**s) for s in data["skipped"]],
            errors=[(int(line), message) for line, message in data["errors"]],
        )


class FormatError(Exception):
    """A file that cannot be read at all; carries the line where reading stopped."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def split_list(text: str | None) -> list[str]:
    """Knowledge points / tags typed as one cell: separated by ; ； , ， 、 or new lines."""
    if not text:
        return []
    items = [p.strip() for p in re.split(r"[;；,，、\n]", str(text))]
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


def even_fractions(correct: list[bool]) -> list[int]:
    """Fractions for options marked correct/incorrect, when a file gives no weights.

    One correct option: 100. Several: 100 split evenly (remainder on the first ones, so the sum is
    exactly 100), and each wrong option cancels one correct share (a penalty the quiz may apply).
    """
    n = sum(correct)
    if n == 0:
        return [0] * len(correct)
    if n == 1:
        return [100 if c else 0 for c in correct]
    share, rest = divmod(100, n)
    result, k = [], 0
    for c in correct:
        if c:
            result.append(share + (1 if k < rest else 0))
            k += 1
        else:
            result.append(-share)
    return result


def check_question(q: ParsedQuestion) -> list[tuple[str, str]]:
    """What is wrong with a parsed question as (form field, message); empty: it can be stored."""
    problems: list[tuple[str, str]] = []
    if not (q.stem or "").strip():
        problems.append(("stem", _("The question text is empty.")))
    kind = QuestionKind(q.kind)
    if kind.is_choice:
        if len(q.options) < 2:
            problems.append(("options", _("A choice question needs at least two options.")))
        if len(q.options) > MAX_OPTIONS:
            problems.append(("options", _("Too many options.")))
        if any(not str(o.get("text", "")).strip() for o in q.options):
            problems.append(("options", _("An option is empty.")))
        fractions = [int(o.get("fraction", 0)) for o in q.options]
        if any(f < -100 or f > 100 for f in fractions):
            problems.append(("options", _("Option weights must lie between -100 and 100 (percent).")))
        positive = [f for f in fractions if f > 0]
        if not positive:
            problems.append(("options", _("No option is marked correct.")))
        elif kind == QuestionKind.single and fractions.count(100) != 1:
            problems.append(("options", _("A single-choice question needs one option worth 100 percent.")))
        elif kind == QuestionKind.multiple and abs(sum(positive) - 100) > 1:
            problems.append(("options", _("The correct options' weights must add up to 100 percent.")))
        texts = [str(o.get("text", "")).strip() for o in q.options]
        if len(set(texts)) != len(texts):
            problems.append(("options", _("Two options have the same text.")))
    elif kind == QuestionKind.truefalse:
        if not isinstance(q.answer, bool):
            problems.append(("answer", _("A true/false question needs the answer true or false.")))
    elif kind == QuestionKind.fill_blank:
        blanks = q.answer if isinstance(q.answer, list) else []
        if not blanks or any(not isinstance(b, list) or not [a for a in b if str(a).strip()] for b in blanks):
            problems.append(("answer", _("Every blank needs at least one accepted answer.")))
        elif count_blanks(q.stem) != len(blanks):
            problems.append(("stem", _("The number of blanks in the text differs from the number of answers.")))
    if q.difficulty is not None and not 1 <= q.difficulty <= 5:
        problems.append(("difficulty", _("Difficulty must be 1 to 5.")))
    if q.default_points is None or q.default_points < 0 or q.default_points > 1000:
        problems.append(("default_points", _("Points must be a whole number from 0 to 1000.")))
    if q.title and len(q.title) > 255:
        problems.append(("title", _("The title is longer than 255 characters.")))
    if q.source and len(q.source) > MAX_CITATION:
        problems.append(("source", _("The source is longer than %(max)d characters.", max=MAX_CITATION)))
    return problems


def keyed(options: list[tuple[str, int, str]]) -> list[dict[str, Any]]:
    """Options as stored: letters A, B, C… in file order. Items: (text, fraction, feedback)."""
    result = []
    for i, (text, fraction, feedback) in enumerate(options):
        option: dict[str, Any] = {"key": OPTION_KEYS[i] if i < MAX_OPTIONS else str(i + 1), "text": text, "fraction": int(fraction)}
        if feedback:
            option["feedback"] = feedback
        result.append(option)
    return result


def html_to_text(html: str) -> str:
    """Moodle's HTML question text as plain text: block tags become line breaks, entities decoded.

    Stems are stored as plain text/Markdown and sanitised on display, so markup from another
    system is reduced here rather than trusted.
    """
    from html import unescape

    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", html or "")
    text = re.sub(r"(?i)<br\s*/?>", "\n", text)
    text = re.sub(r"(?i)</(p|div|li|h[1-6]|tr)>", "\n", text)
    text = re.sub(r"(?s)<[^>]+>", "", text)
    text = unescape(text).replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def round_fractions(weights: list[float]) -> list[int]:
    """Whole-percent fractions from file weights (Moodle writes 33.33333, 16.66667 …).

    Positive weights are rounded by largest remainder so they keep their rounded total (six
    options at 16.66667 become 17,17,17,17,16,16, not six 17s); other weights are rounded plainly.
    """
    positive = [(i, w) for i, w in enumerate(weights) if w > 0]
    result = [round(w) for w in weights]
    if positive:
        target = round(sum(w for _i, w in positive))
        floors = {i: int(w // 1) for i, w in positive}
        spare = target - sum(floors.values())
        order = sorted(positive, key=lambda p: (-(p[1] - floors[p[0]]), p[0]))
        for rank, (i, _w) in enumerate(order):
            result[i] = floors[i] + (1 if rank < spare else 0)
    return result
