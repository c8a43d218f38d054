"""The audit entry of an export: who downloaded which file of which scope, and when.

Exports are GET requests that only read; the entry is written after the file is made (so a failed
export leaves no entry and a sent one always has one) in a short transaction of its own that takes
the write lock only for the entry (db.write_after_reads). Actions are named "export.<what>".
"""

from __future__ import annotations

from typing import Any

from learnapp.audit.services import record
from learnapp.db import write_after_reads


def record_export(actor, what: str, target: Any = None, *, branch=None, summary: str = "", **scope: Any) -> None:
    """Audit (and commit) that `actor` exported `what`; `scope` holds the filters and the row count."""
    with write_after_reads():
        record(actor, f"export.{what}", target, branch=branch, summary=summary, scope=scope)
