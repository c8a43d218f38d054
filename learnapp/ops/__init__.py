"""Running learnapp in production: health check, request ids and JSON logs, scheduled jobs with
their locks, backup and restore, protected files handed to the proxy (X-Accel-Redirect) and
cache-busting static URLs."""

from __future__ import annotations


def init_app(app) -> None:
    """Request ids and logs, static URLs with a version, /healthz, `flask jobs` and `flask backup`."""
    from learnapp import blueprints
    from learnapp.ops import cli, health, logs, static_urls

    logs.init_app(app)
    static_urls.init_app(app)
    blueprints.register(app, health.bp, health)
    app.cli.add_command(cli.jobs_cli)
    app.cli.add_command(cli.backup_cli)
