"""The permission matrix: every page and form of the site × every role.

Each domain lists its pages in `tests/helpers/matrix_pages/<domain>.py` with a function
`pages(org) -> list[Page]` that creates whatever records its URLs need (use `org`'s branches:
records of branch_a are in the scope of admin_a and admin_g1; records of branch_c are not, so
they test URL tampering) and returns the pages. `tests/test_permission_matrix.py` runs each page
for each role on a fresh database and checks who gets in.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType

ROLES = ["anonymous", "learner", "contact", "branch_admin", "general_admin", "committee_admin", "auditor"]
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
ADMINS = frozenset({"branch_admin", "general_admin", "committee_admin"})
READERS = ADMINS | {"auditor"}
COMMITTEE = frozenset({"committee_admin"})


@dataclass
class Page:
    """One URL, requested with `method` (and `data` for a POST), and the roles that may use it.

    Roles outside `allowed` must get 403 or 404 (anonymous: a redirect to the login page).
    Roles inside must get a 2xx or 3xx answer (or 400/422 when `data` is deliberately incomplete,
    which still proves the permission check passed).
    """

    endpoint: str
    url: str | Callable[[], str]
    allowed: frozenset[str] | set[str]
    method: str = "GET"
    data: dict = field(default_factory=dict)
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint} {self.note}".strip()


def domain_modules() -> Iterator[ModuleType]:
    """Each domain's module of pages (tests/helpers/matrix_pages/<domain>.py), in name order."""
    from tests.helpers import matrix_pages

    for info in pkgutil.iter_modules(matrix_pages.__path__):
        yield importlib.import_module(f"{matrix_pages.__name__}.{info.name}")
