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
from collections import Counter

from bench import generate as gen
from bench.capture import PageRunner

NUMBERS = re.compile(r"\b\d+\b")


def trace(url: str, login_id: str, paths: list[str], explain: bool = False, show: int = 12,
          json_body: dict | None = None) -> None:
    runner = PageRunner(url, login_id)
    for path in paths:
        method, _, path = path.rpartition(":") if path.startswith(("POST:", "GET:")) else ("GET", "", path)
        cap = runner.run(path, method=method, json_body=json_body)
        shapes = Counter(NUMBERS.sub("N", " ".join(s.sql.split())) for s in cap.statements)
        print(f"\n{path}: {cap.status}, {len(cap.statements)} statements, {len(shapes)} distinct, "
              f"{cap.db_ms:.1f} ms in the database of {cap.total_ms:.1f} ms")
        for shape, n in shapes.most_common(show):
            print(f"  {n:>4} × {shape[:220]}")
        if explain:
            for s in sorted(cap.statements, key=lambda s: -s.ms)[:3]:
                print(f"\n  slowest ({s.ms:.1f} ms): {' '.join(s.sql.split())[:300]}")
                prefix = "EXPLAIN QUERY PLAN " if runner.engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
                with runner.engine.connect() as conn:
                    raw = conn.connection.dbapi_connection.cursor()
                    raw.execute(prefix + s.sql, s.params)
                    for row in raw.fetchall():
                        print("    " + " | ".join(str(c) for c in row))
    runner.close()


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
