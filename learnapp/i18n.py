"""Language choice (the person's setting, else the committee's site language; see learnapp.site) and translation folders."""

from __future__ import annotations

import weakref
from pathlib import Path

from flask import current_app, g, request, session
from flask_babel import Domain, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from learnapp.i18n_catalogs import catalog_dirs

_EXTENSION = "learnapp.i18n_catalogs"

# The committee's language settings (learnapp.site registers them): the site language, and
# whether an anonymous visitor's browser language may choose. Without them: the configured default,
# and the browser never chooses.
_site_language = None
_browser_allowed = None


def use_site_policy(language, browser_allowed) -> None:
    global _site_language, _browser_allowed
    _site_language, _browser_allowed = language, browser_allowed


def site_language() -> str:
    """The committee's site language (the configured default when none was set)."""
    return _site_language() if _site_language else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    """The signed-in person's own choice, else the site language. Anonymous: the choice made on
    the language switch, else the browser's language when the committee allows it, else the site
    language (Chinese unless the committee says otherwise)."""
    languages = current_app.config["LANGUAGES"]
    if not request:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        signed_in = bool(current_user and current_user.is_authenticated)
    except Exception:  # before the user can be loaded
        signed_in = False
    if signed_in:
        return current_user.locale if current_user.locale in languages else site_language()
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if _browser_allowed and _browser_allowed():
        best = request.accept_languages.best_match(["zh_CN", "zh", "en"], default=site_language())
        return "en" if best == "en" else ("zh_CN" if best in ("zh", "zh_CN") else best)
    return site_language()


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


class _Catalogs(Domain):
    """A Flask-Babel domain that resolves its catalog once per request and language.

    Flask-Babel looks the language up and turns it into a string on every gettext call (some
    40 µs a page for a few dozen strings, more for long lists); this remembers the catalog on
    Flask-Babel's own per-request namespace with the language object it was chosen for, so a
    `force_locale()` or `refresh()` (which replace that object) still gets the right catalog.
    """

    def get_translations(self):
        ctx = _babel_context()
        if ctx is not None:
            hit = getattr(ctx, "learnapp_catalog", None)
            if hit is not None and hit[0] is self and hit[1] is getattr(ctx, "babel_locale", None):
                return hit[2]
        translations = super().get_translations()
        if ctx is not None and getattr(ctx, "babel_locale", None) is not None:
            ctx.learnapp_catalog = (self, ctx.babel_locale, translations)
        return translations


def _babel_context():
    """Flask-Babel's per-request namespace (None outside an app context or before its first use)."""
    try:
        return g._flask_babel
    except (AttributeError, RuntimeError):
        return None


def translations():
    """The request's catalog: Flask-Babel's get_translations(), with its lookups skipped while
    neither the catalog (Flask-Babel's domain) nor the language changed (see _Catalogs)."""
    ctx = _babel_context()
    if ctx is not None:
        hit = getattr(ctx, "learnapp_catalog", None)
        if hit is not None and hit[0] is getattr(ctx, "babel_domain", None) and hit[1] is getattr(ctx, "babel_locale", None):
            return hit[2]
    return get_translations()


# catalog → {key: value} for per_catalog(); weak, so an application's catalogs (tests make many
# applications) go with it.
_by_catalog: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def per_catalog(key, build):
    """A value made of translated strings (menu labels, category names) that depends only on the
    request's catalog (the language's): `build()` runs once per catalog for the life of the
    process, in a request that uses that catalog."""
    catalog = translations()
    values = _by_catalog.get(catalog)
    if values is None:
        values = _by_catalog[catalog] = {}
    value = values.get(key)
    if value is None:
        value = values[key] = build()
    return value


def per_language(key, build):
    """A value that depends only on the request's language (a date pattern, say): `build(locale)`
    runs once per request and language, later calls return its result. Outside a request it
    runs every time, with Flask-Babel's answer (None outside an app context)."""
    ctx = _babel_context()
    locale = getattr(ctx, "babel_locale", None) if ctx is not None else None
    if locale is None:
        locale = get_locale()
        ctx = _babel_context()
        if locale is None or ctx is None:
            return build(locale)
    memo = getattr(ctx, "learnapp_per_language", None)
    if memo is None or memo[0] is not locale:  # first use, or force_locale()/refresh() since
        memo = ctx.learnapp_per_language = (locale, {})
    value = memo[1].get(key)
    if value is None:
        value = memo[1][key] = build(locale)
    return value


@pass_eval_context
def _template_gettext(eval_ctx, string: str, **variables):
    """Jinja's new-style gettext: the translation, escaped for HTML templates, always used as a
    %-format (so `%%` means a literal percent sign, as in Jinja's own)."""
    text = translations().ugettext(string)
    if eval_ctx.autoescape:
        # The msgid is the template's own literal and its translation comes from our catalogs;
        # the variables, which may be user-authored, are escaped by Markup's % below.
        text = Markup(text)
    if not variables and "%" not in text:
        return text
    return text % variables


def init_app(app) -> None:
    """One catalog for the whole site: every domain's catalog merged.

    A service of one domain may raise a message that another domain's page shows, and a page
    includes other domains' parts (home-page panels, a record's sections, the menu), so an
    English text has one Chinese text wherever it appears: `i18n_catalogs.conflicts()` is empty
    (tests/test_translations.py), and a word that means two things has two msgids.
    """
    root = Path(app.root_path)
    catalogs = _Catalogs(translation_directories=[str(root / rel) for rel in catalog_dirs()])
    app.extensions[_EXTENSION] = catalogs
    # Templates' _() and friends, as Flask-Babel installs them, through the per-request catalog.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # `_()` and `gettext()` in templates with the same meaning in one call instead of three
    # (Jinja's alias resolves `gettext` and calls it, which calls the catalog, each through the
    # template context's call machinery); a page says `_()` some forty times.
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"] = _template_gettext

    @app.before_request
    def use_the_site_catalog():
        catalogs.as_default()


def use_site_catalog() -> None:
    """Outside a request (a CLI command): translate through the application's merged catalog."""
    current_app.extensions[_EXTENSION].as_default()
