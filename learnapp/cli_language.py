"""`--lang zh_CN|en` for the command line: what a command prints is Chinese unless told.

Put `@in_language` under `@with_appcontext` on a command: its messages and table headers go
through the site's merged catalog as on the pages, in the chosen language. Used by the question bank, the ledger and its rules, the
reports, the development procedure and the scoring schemes.
"""

from __future__ import annotations

import functools

import click
from flask_babel import force_locale

from learnapp.i18n import use_site_catalog

LANGUAGES = ("zh_CN", "en")


def in_language(command):
    """Add `--lang` (default zh_CN) to a click command and run it in that language."""
    @click.option("--lang", "lang", type=click.Choice(LANGUAGES), default="zh_CN", show_default=True,
                  help="Language of the output.")
    @functools.wraps(command)
    def wrapped(*args, lang: str, **kwargs):
        use_site_catalog()
        with force_locale(lang):
            return command(*args, **kwargs)

    return wrapped
