"""`--lang zh_CN|en` for the command line: what a command prints is Chinese unless told.

Put `@in_language` under `@with_appcontext` on a command: its messages and table headers go
through the catalogs as on the pages, in the chosen language, with the wording of the command's
own domain (its module's package: learnapp.ledger.cli reads the ledger's catalog first, as the
ledger's pages do; see i18n.init_app). Used by the question bank, the ledger and its rules, the
reports, the development procedure and the scoring schemes.
"""

from __future__ import annotations

import functools

import click
from flask import current_app
from flask_babel import force_locale

from learnapp.i18n_catalogs import DOMAINS

LANGUAGES = ("zh_CN", "en")


def in_language(command):
    """Add `--lang` (default zh_CN) to a click command and run it in that language."""
    parts = command.__module__.split(".")
    domain = parts[1] if len(parts) > 2 and parts[1] in DOMAINS else "core"

    @click.option("--lang", "lang", type=click.Choice(LANGUAGES), default="zh_CN", show_default=True,
                  help="Language of the output.")
    @functools.wraps(command)
    def wrapped(*args, lang: str, **kwargs):
        catalogs = current_app.extensions.get("learnapp.i18n_domains", {})
        if domain in catalogs:
            catalogs[domain].as_default()
        with force_locale(lang):
            return command(*args, **kwargs)

    return wrapped
