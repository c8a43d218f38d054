"""Running learnapp in production: health check, request ids and JSON logs, scheduled jobs with
their locks, backup and restore, protected files handed to the proxy (X-Accel-Redirect) and
cache-busting static URLs."""

from __future__ import annotations


def init_app(app) -> None:
    """Request ids and logs, static URLs with a version; the health blueprint is in BLUEPRINT_MODULES."""
    from learnapp.ops import logs, static_urls

    logs.init_app(app)
    static_urls.init_app(app)
