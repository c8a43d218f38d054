"""learnapp: the training-record site of a Party committee and its branches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory: configuration, extensions, blueprints and CLI. Writes nothing."""
    # The owner of each request's transaction (learnapp/db/requests.py).
    from learnapp.db.requests import TransactionOwningFlask

    app = TransactionOwningFlask(__name__, instance_relative_config=True)

    from learnapp.config import check_secret_key, load_config

    load_config(app, config)
    from learnapp.i18n_catalogs import catalog_dirs

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(catalog_dirs()))
    check_secret_key(app)

    from learnapp import i18n, nav, security, web
    from learnapp.accounts import sessions
    from learnapp.db import db
    from learnapp.errors import register_error_handlers
    from learnapp.extensions import babel, csrf, limiter, login_manager, migrate

    if app.config.get("PROXY_COUNT"):
        # The client address and scheme from X-Forwarded-For/-Proto, set by this many proxies;
        # without a proxy count the headers are ignored (anyone can send them).
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    sessions.init_app(app, login_manager)
    web.init_app(app)
    i18n.init_app(app)
    register_error_handlers(app)

    nav.init_app(app, shows_admin=security.holds_a_role)

    # Each domain plugs in its pages, menu entries, panels, commands and hooks into other domains.
    from learnapp import (
        accounts,
        assessments,
        audit,
        auditlog,
        bank,
        contactwork,
        demo,
        development,
        home,
        ledger,
        materials,
        nextsteps,
        notices,
        ops,
        org_admin,
        planning,
        quizzes,
        register,
        reports,
        site,
        yearend,
    )

    for domain in (home, accounts, org_admin, audit, auditlog, ledger, materials, bank, quizzes, assessments, reports, development,
                   contactwork, register, planning, yearend, nextsteps, ops, notices, site):
        domain.init_app(app)
    app.cli.add_command(demo.demo_cli)
    return app
