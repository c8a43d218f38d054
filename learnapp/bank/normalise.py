"""Text normalisation for matching typed answers and for spotting duplicate questions.

Pure functions, no database: the quiz grader imports `normalise_answer`, the bank uses
`fingerprint` to flag a question that is already in the bank.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any

# A blank in a fill-in-the-blank stem: four or more underscores (full-width ＿ too) or "{}".
BLANK_RE = re.compile(r"[_＿]{4,}|\{\}")


def normalise_answer(text: str) -> str:
    """For matching typed answers: NFKC (full-/half-width), strip surrounding spaces, drop
    punctuation (Chinese and ASCII) and inner whitespace, casefold."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    # Unicode category P* covers ASCII and CJK punctuation alike (，。、《》“”·…); symbols such as
    # "+" or "%" are kept because they can carry meaning in an answer.
    kept = [ch for ch in text if not unicodedata.category(ch).startswith("P") and not ch.isspace()]
    return "".join(kept).casefold()


def normalise_stem(text: str) -> str:
    """A stem reduced to what makes it the same question: blanks unified, then as an answer."""
    text = BLANK_RE.sub("\u2581", unicodedata.normalize("NFKC", text or ""))
    return normalise_answer(text)


def count_blanks(stem: str) -> int:
    """How many blanks a fill-in-the-blank stem marks."""
    return len(BLANK_RE.findall(stem or ""))


def split_on_blanks(stem: str) -> list[str]:
    """The stem's text around its blanks (len = blanks + 1), for rendering inputs in place."""
    return BLANK_RE.split(stem or "")


def fingerprint(kind: str, stem: str, options: list[dict[str, Any]] | None, answer: Any) -> str:
    """Hash of the normalised stem and answers: equal for the same question written differently.

    Option order and letters do not matter (banks shuffle them); which options are correct does.
    """
    kind = str(kind)
    if kind in ("single", "multiple"):
        ans: Any = sorted([normalise_answer(o.get("text", "")), int(o.get("fraction", 0)) > 0] for o in options or [])
    elif kind == "truefalse":
        ans = bool(answer)
    elif kind == "fill_blank":
        ans = [sorted({normalise_answer(a) for a in blank}) for blank in answer or []]
    else:
        ans = None
    payload = json.dumps([kind, normalise_stem(stem), ans], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
