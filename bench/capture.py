"""Run one page in-process and keep every SQL statement it issued, with its parameters and time.

Used by `bench.sqltrace` (to read a page's statements) and by the dashboard measure (to time the
page's own SQL again, bare, on a raw database cursor: the "bare SQL it needs").
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from sqlalchemy import event


@dataclass
class Statement:
    sql: str
    params: object
    ms: float


@dataclass
class Capture:
    status: int
    total_ms: float
    statements: list[Statement] = field(default_factory=list)

    @property
    def db_ms(self) -> float:
        return sum(s.ms for s in self.statements)


class PageRunner:
    """A signed-in test client on the benchmark app, recording the statements of each request."""

    def __init__(self, url: str, login_id: str, password: str = "bench2026"):
        from bench.generate import bench_app
        from learnapp.db import db

        self.app = bench_app(url)
        self.app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
        with self.app.app_context():
            self.engine = db.engine
        self._seen: list[Statement] = []
        self._t0: dict[int, float] = {}
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        self.client = self.app.test_client()
        response = self.client.post("/login", data={"login_id": login_id, "password": password})
        if response.status_code != 302:
            raise RuntimeError(f"login as {login_id} failed: {response.status_code}")

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._t0[id(cursor)] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        ms = (time.perf_counter() - self._t0.pop(id(cursor), time.perf_counter())) * 1000
        self._seen.append(Statement(statement, parameters, ms))

    def run(self, path: str, method: str = "GET", json_body: dict | None = None, warm: bool = True) -> Capture:
        if warm and method == "GET":
            self.client.get(path)  # templates, rules and plans warm: the trace shows the steady state
        self._seen = []
        t0 = time.perf_counter()
        response = self.client.open(path, method=method, json=json_body if method == "POST" and json_body else None)
        response.close()
        total = (time.perf_counter() - t0) * 1000
        return Capture(response.status_code, total, list(self._seen))

    def replay_ms(self, statements: list[Statement], repeat: int = 3) -> float:
        """The statements run again on a raw DBAPI cursor (no ORM, no Flask): median total in ms."""
        times = []
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            for _ in range(repeat):
                cursor = raw.cursor()
                t0 = time.perf_counter()
                for s in statements:
                    if s.sql.strip().upper() in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"):
                        continue
                    cursor.execute(s.sql, s.params)
                    if cursor.description is not None:
                        cursor.fetchall()
                times.append((time.perf_counter() - t0) * 1000)
                cursor.close()
                raw.rollback()
        return statistics.median(times)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)
        self.engine.dispose()
