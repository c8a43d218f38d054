"""Permission matrix rows for the operations endpoints: the health check is for everyone."""

from __future__ import annotations

from tests.helpers.matrix import ROLES, Page

EVERYONE = frozenset(ROLES)


def pages(org) -> list[Page]:
    return [Page("ops.healthz", "/healthz", EVERYONE)]
