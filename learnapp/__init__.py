"""learnapp: the training-record site of a Party committee and its branches."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from flask import Flask

# Modules that hold a blueprint named `bp`, one or more per domain package.
BLUEPRINT_MODULES = [
    "home.views", "accounts.views", "accounts.people_views", "org.views", "audit.views", "ledger.views",
    "materials.views", "bank.views", "quizzes.views", "assessments.views", "reports.views",
    "development.views", "contactwork.views", "register.views", "planning.views", "notices.views", "site.views",
]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory: configuration, extensions, blueprints and CLI. Writes nothing."""
    app = Flask(__name__, instance_relative_config=True)

    from learnapp.config import check_secret_key, load_config

    load_config(app, config)
    from learnapp.i18n_catalogs import catalog_dirs

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(catalog_dirs()))
    check_secret_key(app)

    from learnapp import i18n, web
    from learnapp.accounts import sessions
    from learnapp.db import db, init_request_hooks
    from learnapp.errors import register_error_handlers
    from learnapp.extensions import babel, csrf, limiter, login_manager, migrate

    if app.config.get("PROXY_COUNT"):
        # The client address and scheme from X-Forwarded-For/-Proto, set by this many proxies;
        # without a proxy count the headers are ignored (anyone can send them).
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    db.init_app(app)
    init_request_hooks(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    sessions.init_app(app, login_manager)
    web.init_app(app)
    i18n.init_app(app)
    register_error_handlers(app)

    for name in BLUEPRINT_MODULES:
        views = importlib.import_module(f"learnapp.{name}")
        app.register_blueprint(views.bp)

    # Domains that plug into others (the development procedure records the stages of accounts).
    from learnapp import development

    development.init_app(app)
    from learnapp import register

    register.init_app(app)

    from learnapp.cli import register_cli

    register_cli(app)
    return app
