"""The app gunicorn serves in the benchmark: the real create_app() plus instrumentation.

    gunicorn --workers 2 --bind 127.0.0.1:8765 bench.wsgi:app

Adds, in this app only: the floor routes of bench/floor.py, an `X-SQL-Statements` response header
(statements executed while handling the request, counted by a `before_cursor_execute` listener)
and `Server-Timing: app;dur=<ms>` (time inside Flask, from the first before_request hook to the
response). Production (`learnapp:create_app()`) has none of these.
"""

from __future__ import annotations

import time

from flask import Flask, g, has_request_context
from sqlalchemy import event

from bench.floor import bp as floor_bp
from learnapp import create_app


def instrument(app: Flask) -> Flask:
    """Register the floor blueprint and the per-request SQL counter and timer."""
    from learnapp.db import db

    app.register_blueprint(floor_bp)

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        if has_request_context() and "bench_sql" in g:
            g.bench_sql += 1

    @app.before_request
    def _start():
        g.bench_sql = 0
        g.bench_t0 = time.perf_counter()

    @app.after_request
    def _report(response):
        if "bench_t0" in g:
            response.headers["X-SQL-Statements"] = str(g.bench_sql)
            ms = (time.perf_counter() - g.bench_t0) * 1000
            response.headers["Server-Timing"] = f"app;dur={ms:.1f}"
        return response

    # Our hooks must see the whole request: the timer starts before every other before_request
    # hook, and the report runs after every other after_request hook (Flask runs those in
    # reverse order of registration, so it goes to the front of that list).
    before = app.before_request_funcs.setdefault(None, [])
    before.insert(0, before.pop())
    after = app.after_request_funcs.setdefault(None, [])
    after.insert(0, after.pop())
    return app


app = instrument(create_app())
