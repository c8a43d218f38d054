"""Which SQL statements a page issues, grouped, to find queries per row.

    python -m bench.sqltrace --db URL --as p000001 /materials/bench-material-001 [/reading/ ...]
    python -m bench.sqltrace --db URL --as bench_cadmin --explain /reports/
    python -m bench.sqltrace --as p000002 POST:/quizzes/21/start

Runs the page in-process (Flask test client, logged in through the real form) against a data set
made by bench.generate and prints each distinct statement with how often it ran; --explain adds
the database's query plan of the slowest statements.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter

from sqlalchemy import event

from bench import generate as gen

NUMBERS = re.compile(r"\b\d+\b")


def trace(url: str, login_id: str, paths: list[str], explain: bool = False, show: int = 12,
          json_body: dict | None = None) -> None:
    from learnapp.db import db

    app = gen.bench_app(url)
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    seen: list[tuple[str, object, float]] = []
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters, (time.perf_counter() - conn.info.pop("bench_t0")) * 1000))

    client = app.test_client()
    response = client.post("/login", data={"login_id": login_id, "password": "bench2026"})
    if response.status_code != 302:
        sys.exit(f"login as {login_id} failed: {response.status_code}")
    for path in paths:
        method, _, path = path.rpartition(":") if path.startswith(("POST:", "GET:")) else ("GET", "", path)
        if method == "GET":
            client.get(path)  # warm caches (templates, rules) so the trace shows the steady state
        seen.clear()
        t0 = time.perf_counter()
        response = client.open(path, method=method, json=json_body if method == "POST" and json_body else None)
        total = (time.perf_counter() - t0) * 1000
        shapes = Counter(NUMBERS.sub("N", " ".join(s.split())) for s, _, _ in seen)
        db_ms = sum(ms for _, _, ms in seen)
        print(f"\n{path}: {response.status_code}, {len(seen)} statements, {len(shapes)} distinct, "
              f"{db_ms:.1f} ms in the database of {total:.1f} ms")
        for shape, n in shapes.most_common(show):
            print(f"  {n:>4} × {shape[:220]}")
        if explain:
            for statement, params, ms in sorted(seen, key=lambda s: -s[2])[:3]:
                print(f"\n  slowest ({ms:.1f} ms): {' '.join(statement.split())[:300]}")
                prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
                with engine.connect() as conn:
                    raw = conn.connection.dbapi_connection.cursor()
                    raw.execute(prefix + statement, params)
                    for row in raw.fetchall():
                        print("    " + " | ".join(str(c) for c in row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sqltrace", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=f"sqlite:///{gen.DEFAULT_SQLITE}")
    parser.add_argument("--as", dest="login", default="p000001")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--show", type=int, default=12)
    parser.add_argument("--json", type=json.loads, default=None, help="JSON body of POST: paths")
    parser.add_argument("paths", nargs="+", help="/path, or POST:/path (no warm-up request for a POST)")
    args = parser.parse_args(argv)
    trace(args.db, args.login, args.paths, args.explain, args.show, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
