"""GIFT (Moodle's plain-text question format): parser to the intermediate form, and writer.

Supported: `$CATEGORY:`, `//` comments, `::title::`, `[markdown]`-style format markers, feedback
`#`, general feedback `####`, weights `%50%`, `{T}` `{F}` `{TRUE}` `{FALSE}`, escapes
`\\~ \\= \\# \\{ \\} \\:` and `\\n`, single and multiple choice, short answer `{=a =b}` as a blank
(in the middle of the text it is a "missing word"; several such blocks make several blanks), essay `{}`.
Listed as unsupported: matching (`->`), numerical (`{#…}`), descriptions (no answer block).

Metadata rides in comments just before a question, in Moodle's `// [tag:…]` style:
`// [来源:党章] [知识点:入党条件] [难度:2] [分值:1] [tag:纪律] [参考答案:…]`.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from learnapp.bank.formats.base import (
    ParsedQuestion,
    ParseResult,
    Skipped,
    even_fractions,
    html_to_text,
    keyed,
    round_fractions,
)
from learnapp.bank.models import QuestionKind
from learnapp.bank.normalise import count_blanks

SPECIAL = "~=#{}:"
BLANK = "____"

# Metadata keys in `[key:value]` comment items (Chinese or English spelling).
META_KEYS = {
    "来源": "source", "source": "source",
    "知识点": "kp", "kp": "kp", "knowledge": "kp",
    "难度": "difficulty", "difficulty": "difficulty",
    "分值": "points", "points": "points",
    "参考答案": "reference", "reference": "reference",
    "tag": "tag", "标签": "tag",
}
_META_RE = re.compile(r"\[([^\[\]:：]+)[:：]((?:\\.|[^\]\\])*)\]")


def unescape(text: str) -> str:
    """Undo GIFT escapes: \\~ \\= \\# \\{ \\} \\: \\\\ and \\n (new line)."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt if nxt in SPECIAL + "\\" else "\\" + nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def escape(text: str) -> str:
    """Escape text for GIFT (new lines become \\n so one question stays one paragraph)."""
    text = (text or "").replace("\\", "\\\\")
    for ch in SPECIAL:
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


def _split_unescaped(text: str, markers: str) -> list[tuple[str, str]]:
    """Split an answer block into (marker, raw text) at each unescaped ~ or =."""
    parts: list[tuple[str, str]] = []
    i, current, marker = 0, [], ""
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if ch in markers:
            if marker or "".join(current).strip():
                parts.append((marker, "".join(current)))
            marker, current = ch, []
        else:
            current.append(ch)
        i += 1
    if marker or "".join(current).strip():
        parts.append((marker, "".join(current)))
    return parts


_WEIGHT_RE = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")


def _answer_parts(raw: str) -> tuple[float | None, str, str]:
    """One answer: (weight or None, text, feedback)."""
    weight = None
    m = _WEIGHT_RE.match(raw)
    if m:
        weight = float(m.group(1))
        raw = raw[m.end():]
    hash_at = _find_unescaped(raw, "#")
    feedback = ""
    if hash_at >= 0:
        feedback = unescape(raw[hash_at + 1:]).strip()
        raw = raw[:hash_at]
    return weight, unescape(raw).strip(), feedback


class _Block:
    """An answer block `{…}` found in a question's text."""

    def __init__(self, start: int, end: int, content: str):
        self.start, self.end, self.content = start, end, content


def _blocks(text: str) -> list[_Block] | int:
    """The answer blocks of a question, or the offset of an unclosed/stray brace."""
    blocks, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "}":
            return i
        if ch == "{":
            end = _find_unescaped(text, "}", i + 1)
            inner_open = _find_unescaped(text, "{", i + 1)
            if end < 0 or (0 <= inner_open < end):
                return i
            blocks.append(_Block(i, end, text[i + 1:end]))
            i = end + 1
            continue
        i += 1
    return blocks


def _apply_meta(q: ParsedQuestion, meta: dict[str, list[str]]) -> None:
    for value in meta.get("source", [])[:1]:
        q.source = value
    for value in meta.get("kp", []):
        q.knowledge_points += [v for v in re.split(r"[;；,，、]", value) if v.strip() and v.strip() not in q.knowledge_points]
    q.knowledge_points = [k.strip() for k in q.knowledge_points]
    for value in meta.get("tag", []):
        if value not in q.tags:
            q.tags.append(value)
    for value in meta.get("difficulty", [])[:1]:
        if value.strip().isdigit():
            q.difficulty = int(value)
    for value in meta.get("points", [])[:1]:
        if value.strip().isdigit():
            q.default_points = int(value)
    for value in meta.get("reference", [])[:1]:
        q.reference_answer = value


_PREFIXED_TAG = re.compile(r"^(来源|知识点|难度|分值)[:：](.*)$", re.DOTALL)


def _read_meta(comment: str, meta: dict[str, list[str]]) -> None:
    for key, value in _META_RE.findall(comment):
        value = unescape(value.replace("\\]", "]")).strip()
        name = META_KEYS.get(key.strip().lower())
        if name == "tag":
            # Moodle-style prefixed tags carry metadata too: [tag:来源:党章].
            m = _PREFIXED_TAG.match(value)
            if m:
                meta.setdefault(META_KEYS[m.group(1)], []).append(m.group(2).strip())
            else:
                meta.setdefault("tag", []).append(value)
        elif name and value:
            meta.setdefault(name, []).append(value)


def _category_path(raw: str) -> list[str]:
    """`$course$/top/党章/总纲` → ["党章", "总纲"]: Moodle's context prefix and "top" dropped."""
    parts = [p.strip() for p in raw.strip().split("/") if p.strip()]
    if parts and parts[0].startswith("$") and parts[0].endswith("$"):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return parts


def parse(data: bytes | str) -> ParseResult:
    """Parse a GIFT file (UTF-8, BOM allowed)."""
    result = ParseResult()
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            result.errors.append((line, _("The file is not UTF-8 text.")))
            return result
    else:
        text = data.lstrip("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    category: list[str] = []
    chunk: list[tuple[int, str]] = []
    meta: dict[str, list[str]] = {}

    def flush() -> None:
        nonlocal chunk, meta
        if chunk:
            _parse_question(chunk, meta, category, result)
        chunk, meta = [], {}

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if stripped.startswith("//"):
            _read_meta(stripped[2:], meta)
            continue
        if not chunk and stripped.startswith("$CATEGORY:"):
            category = _category_path(stripped[len("$CATEGORY:"):])
            meta = {}
            continue
        chunk.append((number, line))
    flush()
    return result


def _parse_question(chunk: list[tuple[int, str]], meta: dict[str, list[str]], category: list[str], result: ParseResult) -> None:
    first_line = chunk[0][0]
    text = "\n".join(line for _n, line in chunk).strip()
    starts = []  # offset in `text` at which each chunk line begins, for error lines
    offset = 0
    for n, line in chunk:
        starts.append((offset, n))
        offset += len(line) + 1

    def line_at(pos: int) -> int:
        found = first_line
        for start, n in starts:
            if start <= pos:
                found = n
        return found

    title = None
    if text.startswith("::"):
        end = _find_unescaped(text, "::", 2)
        if end < 0:
            result.errors.append((first_line, _("The title is not closed with ::.")))
            return
        title = unescape(text[2:end]).strip() or None
        text = text[end + 2:].lstrip()
    fmt = re.match(r"^\[(html|moodle|plain|markdown)\]", text)
    is_html = False
    if fmt:
        is_html = fmt.group(1) == "html"
        text = text[fmt.end():].lstrip()
    blocks = _blocks(text)
    if isinstance(blocks, int):
        result.errors.append((line_at(blocks), _("Unbalanced { or } (escape a literal brace as \\{ or \\}).")))
        return
    if not blocks:
        result.skipped.append(Skipped(first_line, "description", _("No answer block: a description, not a question."), title or ""))
        return

    kinds = []
    for block in blocks:
        kind = _block_kind(block.content)
        kinds.append(kind)
        if kind in ("numerical", "matching"):
            result.skipped.append(Skipped(first_line, kind, _("This kind of question is not supported."), title or ""))
            return
    if len(blocks) > 1 and any(k != "shortanswer" for k in kinds):
        result.skipped.append(Skipped(first_line, "cloze", _("Several answer blocks of mixed kinds (cloze) are not supported."), title or ""))
        return

    def clean(s: str) -> str:
        s = unescape(s)
        return html_to_text(s) if is_html else s

    q = ParsedQuestion(kind=QuestionKind.essay, stem="", line=first_line, title=title, category=list(category))
    _apply_meta(q, meta)
    kind = kinds[0]
    block = blocks[0]
    before, after = text[:block.start], text[block.end + 1:]
    content = block.content
    general_at = _find_unescaped(content, "####")
    if general_at >= 0:
        q.explanation = clean(content[general_at + 4:]).strip()
        content = content[:general_at]

    if kind == "essay":
        q.kind = QuestionKind.essay
        q.stem = (clean(before) + clean(after)).strip()
    elif kind == "truefalse":
        q.kind = QuestionKind.truefalse
        value = content.strip().split("#", 1)[0].strip().upper()
        q.answer = value in ("T", "TRUE")
        q.stem = _join_stem(clean(before), clean(after))
    elif kind == "choice":
        answers = [(marker, *_answer_parts(raw)) for marker, raw in _split_unescaped(content, "~=")]
        if any(not marker for marker, *_rest in answers):
            result.errors.append((line_at(block.start), _("Text before the first ~ or = in an answer block.")))
            return
        weights = [weight if weight is not None else (100 if marker == "=" else 0) for marker, weight, _t, _f in answers]
        options = [(clean(answer_text), fraction, feedback)
                   for (_m, _w, answer_text, feedback), fraction in zip(answers, round_fractions(weights), strict=True)]
        # Moodle writes one "=" for single choice and only "~%w%" weights for multiple answers.
        equals = [i for i, a in enumerate(answers) if a[0] == "="]
        if len(equals) == 1:
            q.kind = QuestionKind.single
        else:
            q.kind = QuestionKind.multiple
            if len(equals) > 1 and all(answers[i][1] is None for i in equals):
                fractions = even_fractions([a[0] == "=" for a in answers])
                options = [(t, f, fb) for (t, _old, fb), f in zip(options, fractions, strict=True)]
        q.options = keyed(options)
        q.stem = _join_stem(clean(before), clean(after))
    else:  # short answer(s) → fill in the blank
        q.kind = QuestionKind.fill_blank
        pieces, answers_per_blank, cursor = [], [], 0
        for blk in blocks:
            pieces.append(clean(text[cursor:blk.start]))
            pieces.append(BLANK)
            cursor = blk.end + 1
            accepted = []
            blk_content = blk.content
            g = _find_unescaped(blk_content, "####")
            if g >= 0:
                if not q.explanation:
                    q.explanation = clean(blk_content[g + 4:]).strip()
                blk_content = blk_content[:g]
            for _marker, raw in _split_unescaped(blk_content, "="):
                weight, answer_text, _feedback = _answer_parts(raw)
                if weight is not None and weight < 100:
                    q.warnings.append(_("An answer worth less than 100 percent was left out: %(answer)s", answer=answer_text))
                    continue
                if answer_text:
                    accepted.append(clean(answer_text))
            answers_per_blank.append(accepted)
        pieces.append(clean(text[cursor:]))
        q.stem = "".join(pieces).strip()
        q.answer = answers_per_blank
        if len(blocks) == 1 and not after.strip() and count_blanks(clean(before)) == 1:
            # "党的根本宗旨是____。{=…}": the blank is already drawn; the block at the end only answers it.
            q.stem = clean(before).strip()
    result.questions.append(q)


def _join_stem(before: str, after: str) -> str:
    """The stem around a choice/TF block: a block in mid-text leaves a blank where it stood."""
    if after.strip():
        return (before + BLANK + after).strip()
    return before.strip()


def _block_kind(content: str) -> str:
    stripped = content.strip()
    g = _find_unescaped(stripped, "####")
    body = stripped[:g].strip() if g >= 0 else stripped
    if not body:
        return "essay"
    if body.startswith("#"):
        return "numerical"
    if re.match(r"^(T|F|TRUE|FALSE)\s*(#.*)?$", body, re.IGNORECASE | re.DOTALL):
        return "truefalse"
    parts = _split_unescaped(body, "~=")
    if any(m == "=" and _find_unescaped(raw, "->") >= 0 for m, raw in parts):
        return "matching"
    if any(m == "~" for m, _raw in parts):
        return "choice"
    return "shortanswer"
