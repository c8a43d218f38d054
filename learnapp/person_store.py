"""Figures stored per person and kept current by the transaction that changes their sources.

A store notes, before every flush, whom the pending changes may concern; right before the commit it
recomputes those people inside the same transaction (the figures and their sources commit together,
or neither does); a rollback forgets the notes. The store's own writes run with the store marked
busy, so they are not noted again. Only the site's request-scoped session keeps the stores: a
separate short session (an audit read, an export's record) writes none of their sources.

development/stored.py (compliance findings) and contactwork/stored.py (missing thought reports and
assessments) are the stores; each says what it notes and how it recomputes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from learnapp.db import db


class PersonStore:
    def __init__(self, name: str, *, note: Callable[[Session, dict], None], apply: Callable[[dict], int]):
        """`note(session, pending)` adds to `pending` (a dict kept in session.info until the commit)
        what the session's new, dirty and deleted objects concern; `apply(pending)`, after the last
        flush, recomputes the people concerned and returns how many."""
        self._pending_key = f"{name}_pending"
        self._busy_key = f"{name}_busy"
        self._note = note
        self._apply = apply

    def note_changes(self, session: Session, _flush_context=None, _instances=None) -> None:
        """before_flush."""
        if session.info.get(self._busy_key):
            return
        pending = session.info.setdefault(self._pending_key, {})
        self._note(session, pending)
        if not any(pending.values()):
            session.info.pop(self._pending_key, None)

    def forget(self, session: Session, previous_transaction) -> None:
        """after_soft_rollback: the changes are gone (a savepoint's rollback leaves the transaction's own)."""
        if not previous_transaction.nested:
            session.info.pop(self._pending_key, None)

    def refresh_pending(self, session: Session | None = None) -> int:
        """Recompute everyone the session's changes may concern (before_commit, and before a read of
        the store that must see them); returns how many people."""
        try:
            ours = db.session()
        except RuntimeError:  # no application context: a script's session, not the site's
            return 0
        session = session or ours
        if session.info.get(self._busy_key) or session is not ours:
            return 0
        if session.new or session.dirty or session.deleted:
            session.flush()  # noted by before_flush
        pending = session.info.pop(self._pending_key, None)
        if not pending:
            return 0
        with self.busy(session):
            return self._apply(pending)

    def forget_pending(self, session: Session) -> None:
        """After a rebuild: every person is current, whatever was noted."""
        session.info.pop(self._pending_key, None)

    @contextmanager
    def busy(self, session: Session) -> Iterator[None]:
        """The store's own writes: not noted, and no recompute from inside them."""
        before = session.info.get(self._busy_key)
        session.info[self._busy_key] = True
        try:
            yield
        finally:
            session.info[self._busy_key] = before

    def listen(self) -> None:
        """The listeners on every session, once per process (they act only where changes are noted)."""
        for name, listener in self._listeners():
            if not event.contains(Session, name, listener):
                event.listen(Session, name, listener)

    def stop(self) -> None:
        for name, listener in self._listeners():
            if event.contains(Session, name, listener):
                event.remove(Session, name, listener)

    def _listeners(self):
        return (("before_flush", self.note_changes), ("before_commit", self.refresh_pending),
                ("after_soft_rollback", self.forget))
