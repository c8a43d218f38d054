"""Count the SQL statements a block of code sends to the database (to catch queries per row).

    with count_queries() as counted:
        client.get("/")
    assert counted.count <= 20, counted.report()

or, for a page as a signed-in person sees it: `statements_of_get(client, "/reading/")`.

Counts every statement the engine executes (a `before_cursor_execute` listener on `db.engine`),
except SQLite's BEGIN, which learnapp.db sends to the driver directly. `statements` keeps them in order; `report()` groups them by
shape (numbers and bound values stripped) with how often each ran, most frequent first, so a
query per row stands out in an assertion message.
"""

from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager

from sqlalchemy import event

_NUMBERS = re.compile(r"\b\d+\b")


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)

    def start(self) -> QueryCounter:
        event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def stop(self) -> None:
        if event.contains(self.engine, "before_cursor_execute", self._before):
            event.remove(self.engine, "before_cursor_execute", self._before)

    @property
    def count(self) -> int:
        return len(self.statements)

    def shapes(self) -> Counter:
        """How often each statement shape ran."""
        return Counter(_NUMBERS.sub("N", " ".join(s.split())) for s in self.statements)

    def report(self, width: int = 160) -> str:
        lines = [f"{self.count} statements:"]
        lines += [f"  {n:>3} × {shape[:width]}" for shape, n in self.shapes().most_common()]
        return "\n".join(lines)


@contextmanager
def count_queries(engine=None):
    """Count the statements executed inside the block (on `db.engine` unless told otherwise)."""
    if engine is None:
        from learnapp.db import db

        engine = db.engine
    counter = QueryCounter(engine).start()
    try:
        yield counter
    finally:
        counter.stop()


def statements_of_get(client, path: str, *, warm: bool = True) -> QueryCounter:
    """Statements one GET of `path` issues, as in production: the test's changes are committed
    and the request runs in an app context of its own (a fresh database session and `g`, so
    nothing the test or an earlier request loaded is found in the session's identity map).
    A warm-up request first fills the process-wide caches (parsed rules, compiled templates)."""
    from learnapp.db import db

    db.session.commit()
    app = client.application
    if warm:
        with app.app_context():
            client.get(path)
    with app.app_context(), count_queries() as counted:
        response = client.get(path)
        body = response.get_data(as_text=True)
    assert response.status_code == 200, (path, response.status_code, body[:300])
    counted.response = response
    counted.body = body
    return counted
