"""Citations of the Party's documents: "《中国共产党章程》第一章第七条".

A material or question names where its statement comes from. Files and forms may give the
citation in full ("《中国共产党发展党员工作细则》第三章"), by a short name the committee uses
("党章第七条", "细则 第三章") or, in older files, by the short name alone ("党章"). `split_source`
turns any of these into the document's short name — the key that filters and the wrong-answer
notebook match on — and the citation written out in full, so every page shows the same form.

A text that names no document the site knows and has no 《title》 keeps its text as the short name
and has no citation: the content check reports it, imports still accept it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Short name → full title. The short names are the keys materials and questions are filtered by.
DOCUMENTS: dict[str, str] = {
    "党章": "中国共产党章程",
    "发展党员工作细则": "中国共产党发展党员工作细则",
    "纪律处分条例": "中国共产党纪律处分条例",
    "准则": "关于新形势下党内政治生活的若干准则",
    "廉洁自律准则": "中国共产党廉洁自律准则",
    "党史": "中国共产党简史",
    "报告": "高举中国特色社会主义伟大旗帜　为全面建设社会主义现代化国家而团结奋斗",
    "历史决议": "中共中央关于党的百年奋斗重大成就和历史经验的决议",
}
# Other names in use for the same documents.
ALIASES: dict[str, str] = {
    "中国共产党章程": "党章",
    "细则": "发展党员工作细则",
    "中国共产党发展党员工作细则": "发展党员工作细则",
    "条例": "纪律处分条例",
    "中国共产党纪律处分条例": "纪律处分条例",
    "关于新形势下党内政治生活的若干准则": "准则",
    "中国共产党廉洁自律准则": "廉洁自律准则",
    "中国共产党简史": "党史",
    "二十大报告": "报告",
    "党的二十大报告": "报告",
    "中共中央关于党的百年奋斗重大成就和历史经验的决议": "历史决议",
}

MAX_SHORT_NAME = 80
MAX_CITATION = 300

_TITLE = re.compile(r"《([^《》]{1,120})》")
_NUMERAL = "〇零一二三四五六七八九十百"
# What may follow a document: 总纲, 第N编/章/节/条, （N）items, 、 between several.
_PLACE = re.compile(rf"^(?:总纲|序言|附则|第[{_NUMERAL}0-9]+[编章节条]|[（(][{_NUMERAL}0-9]+[)）]|[、，,和及])*$")


class Source(NamedTuple):
    short_name: str  # the document's short name ("党章"), or the text as given when it names none
    citation: str    # "《中国共产党章程》第一章第七条", or "" when the text cites no known document


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


# Every name of a document, spaces removed (a title may be written with or without the space).
_BY_NAME: dict[str, str] = {
    **{_squeezed(title): short for short, title in DOCUMENTS.items()},
    **{_squeezed(alias): short for alias, short in ALIASES.items()},
    **{short: short for short in DOCUMENTS},
}


def _short_name(name: str) -> str | None:
    return _BY_NAME.get(_squeezed(name))


def _full(short: str | None, title: str) -> str:
    return DOCUMENTS.get(short, title) if short else title


def _one(part: str) -> tuple[str | None, str] | None:
    """(short name or None, the citation in full) of one cited document, or None when the part
    cites nothing recognisable."""
    part = _squeezed(part)
    titled = _TITLE.match(part)
    if titled:
        title, place = titled.group(1), part[titled.end():]
        short = _short_name(title)
        return (short, f"《{_full(short, title)}》{place}") if _PLACE.match(place) else None
    for name in sorted(_BY_NAME, key=len, reverse=True):
        if part.startswith(name) and _PLACE.match(part[len(name):]):
            short = _BY_NAME[name]
            return short, f"《{DOCUMENTS[short]}》{part[len(name):]}"
    return None


def split_source(text: str | None) -> Source:
    """The short name and the full citation of a `source` field (several documents separated by
    "；" or ";": the first decides the short name)."""
    text = (text or "").strip()
    if not text:
        return Source("", "")
    parts = [p for p in re.split(r"[；;]", text) if p.strip()]
    cited = [_one(p) for p in parts]
    if not cited or any(c is None for c in cited):
        return Source(text[:MAX_SHORT_NAME], "")
    first_short, first_full = cited[0]
    short = first_short or _TITLE.match(first_full).group(1)
    return Source(short[:MAX_SHORT_NAME], "；".join(full for _, full in cited)[:MAX_CITATION])


def canonical(text: str | None) -> str:
    """The source as every page shows it: the full citation, else the text as given."""
    found = split_source(text)
    return found.citation or found.short_name
