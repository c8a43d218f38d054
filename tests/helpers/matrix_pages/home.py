"""Every endpoint of the home blueprint, for the permission matrix."""

from __future__ import annotations

from tests.helpers.matrix import SIGNED_IN, Page


def pages(org) -> list[Page]:
    return [Page("home.index", "/", SIGNED_IN)]
