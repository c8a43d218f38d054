"""The id of the current web request: the proxy's `X-Request-ID` when it sends a sane one (nginx:
`$request_id`), else a new random one. Audit entries keep it; JSON logs print it (ops/logs.py)."""

from __future__ import annotations

import re
import uuid

from flask import g, has_request_context, request

HEADER = "X-Request-ID"
# What is taken from the proxy: letters, digits and a few separators, bounded, so a client can
# neither inject text into the log lines nor overflow the audit column.
_SANE = re.compile(r"^[A-Za-z0-9._:@-]{1,64}$")


def request_id() -> str | None:
    """This request's id (None outside a request): the proxy's X-Request-ID or a new one."""
    if not has_request_context():
        return None
    current = g.get("request_id")
    if current is None:
        incoming = request.headers.get(HEADER, "")
        current = g.request_id = incoming if _SANE.match(incoming) else uuid.uuid4().hex
    return current
