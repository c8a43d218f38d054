"""Language choice (the person's setting, then the browser's, then Chinese) and translation folders."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, request, session
from flask_babel import Domain
from flask_login import current_user

from learnapp.i18n_catalogs import DOMAINS, catalog_dirs


def select_locale() -> str:
    """zh_CN unless the person chose English, or has no choice and the browser prefers English."""
    languages = current_app.config["LANGUAGES"]
    try:
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
    except Exception:  # outside a request or before the user is loaded
        pass
    chosen = session.get("locale") if request else None
    if chosen in languages:
        return chosen
    if request:
        best = request.accept_languages.best_match(["zh_CN", "zh", "en"], default="zh_CN")
        return "en" if best == "en" else "zh_CN"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


def init_app(app) -> None:
    """Each domain's pages prefer their own catalog's wording over the others'.

    The catalogs are merged (a service of one domain may raise a message that another domain's
    page shows), but the same English word can mean different things in two domains ("Kind":
    题型 in the question bank, 类型 elsewhere): the catalog of the page's own domain goes last, so
    it wins.
    """
    root = Path(app.root_path)
    dirs = {name: str(root / rel) for name, rel in zip(["core", *DOMAINS], catalog_dirs(), strict=True)}
    preferred: dict[str, Domain] = {}
    for name in ["core", *DOMAINS]:
        ordered = [d for n, d in dirs.items() if n != name] + [dirs[name]]
        preferred[name] = Domain(translation_directories=ordered)
    app.extensions["learnapp.i18n_domains"] = preferred

    @app.before_request
    def use_the_domain_catalog():
        blueprint = app.blueprints.get(request.blueprint or "")
        parts = blueprint.import_name.split(".") if blueprint else []
        name = parts[1] if len(parts) > 2 and parts[1] in DOMAINS else "core"
        preferred[name].as_default()
