"""Request ids and JSON logs.

Every request has an id: the proxy's `X-Request-ID` when it sends a sane one (nginx: `$request_id`),
else a new random one. It is sent back in the response's `X-Request-ID`, stored with the audit
entries the request writes, and, with `LOG_FORMAT = "json"`, printed on every access and
application line, so one request can be followed from nginx's log through learnapp's log to the
audit log.

Without `LOG_FORMAT = "json"` nothing is added to a request's work: the id is made only when an
audit entry asks for it, and the access log stays gunicorn's.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime

from flask import g, request

from learnapp.request_ids import HEADER, request_id

ACCESS_LOGGER = "learnapp.access"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request id when in a request,
    and the fields passed with `extra={"fields": {...}}`."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id()
        if rid:
            line["request_id"] = rid
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_json_logging(level: int = logging.INFO) -> None:
    """The root logger writes JSON lines to stderr (journald keeps them under systemd)."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.handlers = [handler]
    root.setLevel(level)


def init_app(app) -> None:
    if str(app.config.get("LOG_FORMAT") or "").lower() != "json":
        return
    configure_json_logging(getattr(logging, str(app.config.get("LOG_LEVEL") or "INFO").upper(), logging.INFO))
    app.logger.handlers = []  # propagate to the root's JSON handler
    access = logging.getLogger(ACCESS_LOGGER)

    @app.before_request
    def _start_clock():
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def _access_line(response):
        started = g.get("request_started")
        response.headers[HEADER] = request_id()
        access.info("%s %s %s", request.method, request.path, response.status_code, extra={"fields": {
            "method": request.method, "path": request.path, "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "client": request.remote_addr, "bytes": response.calculate_content_length(),
        }})
        return response
