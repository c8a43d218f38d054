"""Every page and form of the site settings, with who may use it (see tests/matrix.py)."""

from __future__ import annotations

from tests.helpers.matrix import COMMITTEE, Page


def pages(org) -> list[Page]:
    return [
        Page("site.language", "/settings/language", COMMITTEE),
        Page("site.language", "/settings/language", COMMITTEE, method="POST", data={"language": "zh_CN"}),
    ]
