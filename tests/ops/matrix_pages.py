"""Permission matrix rows for the operations endpoints: the health check is for everyone."""

from __future__ import annotations

from tests.matrix import ROLES, Page
from tests.ops.helpers import stamp_head

EVERYONE = frozenset(ROLES)


def pages(org) -> list[Page]:
    stamp_head()
    return [Page("ops.healthz", "/healthz", EVERYONE)]
