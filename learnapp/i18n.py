"""Language choice (the person's setting, then the browser's, then Chinese) and translation folders."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user


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
