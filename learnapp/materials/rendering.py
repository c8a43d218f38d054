"""Markdown to safe HTML: markdown-it-py renders, nh3 keeps only an allow-list.

Raw HTML inside Markdown is allowed through the renderer (authors may need <sup> or a table) and
then sanitised like everything else: no script, style, iframe, event handler or javascript:/data:
URL survives, whoever wrote it. Links get rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

import html as html_lib
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "ins",
    "sub", "sup", "mark", "small", "blockquote", "q", "cite", "code", "pre", "kbd", "ul", "ol", "li", "dl",
    "dt", "dd", "a", "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "abbr", "span",
    "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Dropped with everything inside them, not just unwrapped.
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea", "select", "svg", "math"}

_md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(["table", "strikethrough"])


def sanitise_html(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


# Rendering is a pure function of the text, and the same texts (a material's body, a question's
# stem) are shown over and over: keep the HTML of recent ones (texts up to CACHED_TEXT_CHARS).
CACHED_TEXT_CHARS = 64_000


@lru_cache(maxsize=128)
def _rendered(text: str) -> str:
    return sanitise_html(_md.render(text))


def render_markdown(text: str | None) -> Markup:
    """Markdown → sanitised HTML, marked safe for templates."""
    if not text:
        return Markup("")
    if len(text) <= CACHED_TEXT_CHARS:
        return Markup(_rendered(text))
    return Markup(sanitise_html(_md.render(text)))


_TAG_RE = re.compile(r"<[^>]+>")


def plain_text(text: str | None) -> str:
    """The words of a Markdown text without markup (for counting characters and excerpts)."""
    html = sanitise_html(_md.render(text or ""))
    without_tags = _TAG_RE.sub(" ", html)
    return re.sub(r"\s+", " ", html_lib.unescape(without_tags)).strip()


def count_characters(text: str | None) -> int:
    """Characters of prose (spaces and punctuation marks count, markup does not)."""
    return len(re.sub(r"\s", "", plain_text(text)))
