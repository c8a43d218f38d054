"""Question text on screen: Markdown rendered, then sanitised; blanks drawn as blanks.

Stems, options and explanations come from admins and from imported files, so every piece of text
passes through nh3's allow-list before it reaches a page. Raw HTML in the Markdown is kept only as
far as the allow-list permits (Moodle imports may carry simple markup).
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from learnapp.bank.normalise import BLANK_RE

_md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(["table", "strikethrough"])
_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "s", "del", "sub", "sup", "code", "pre", "blockquote",
         "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "h5", "h6", "hr", "span"}
# Private-use characters stand in for blanks while Markdown runs, so "____" is not read as emphasis.
_MARK = "\ue000"


def render_markdown(text: str | None, *, inline: bool = False) -> Markup:
    """Safe HTML for a piece of question text (stem, option, explanation)."""
    html = _md.renderInline(text or "") if inline else _md.render(text or "")
    return Markup(nh3.clean(html, tags=_TAGS, attributes={}, link_rel=None))


def render_stem(stem: str | None, *, inline: bool = False) -> Markup:
    """A stem with each blank shown as a numbered gap."""
    counter = iter(range(1, 1000))
    marked = BLANK_RE.sub(lambda _m: _MARK, stem or "")
    html = str(render_markdown(marked, inline=inline))
    while _MARK in html:
        n = next(counter)
        html = html.replace(_MARK, f'<span class="bank-blank" aria-label="({n})">（{n}）____</span>', 1)
    return Markup(html)


def plain_snippet(text: str | None, length: int = 80) -> str:
    """One line of plain text for lists."""
    one_line = " ".join((text or "").split())
    return one_line[:length] + ("…" if len(one_line) > length else "")


__all__ = ["render_markdown", "render_stem", "plain_snippet", "escape"]
