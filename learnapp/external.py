"""Absolute URLs of the site, built on the configured EXTERNAL_URL, never on the request's Host
header (a forged Host would otherwise be printed on certificates and check-in screens)."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    """`url_for(endpoint, **values)` as an absolute URL on EXTERNAL_URL."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        adapter = current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
        path = adapter.build(endpoint, values)
    return current_app.config["EXTERNAL_URL"].rstrip("/") + path
