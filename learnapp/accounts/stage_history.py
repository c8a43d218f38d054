"""Where the accounts domain hands over a stage it learns of (a new person, a roster row).

A person's stage is derived from the steps of the development procedure (learnapp.development),
which depends on accounts, not the other way round. The development package registers its
recorder here from its init_app (create_app calls it); accounts code calls `record_stage`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

_recorder: Callable | None = None
_since: Callable | None = None


def register(recorder: Callable, since: Callable) -> None:
    """Install the function that records a stage as history: (actor, user, stage, effective_on, *,
    note, source, audit_entry), and the one that tells since when a person is at their stage."""
    global _recorder, _since
    _recorder, _since = recorder, since


def record_stage(actor, user, stage, effective_on: date, *, note: str | None = None, source: str = "site",
                 audit_entry: bool = True):
    """Record that `user` is at `stage` since `effective_on` (the step standing for it; no guards)."""
    if _recorder is None:
        raise RuntimeError("no stage recorder: create_app() initialises learnapp.development")
    return _recorder(actor, user, stage, effective_on, note=note, source=source, audit_entry=audit_entry)


def stage_since(user) -> date | None:
    """Since when the person is at their current stage (the date of the step that led to it)."""
    return _since(user) if _since is not None else None
