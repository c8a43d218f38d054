"""Request-wide web behaviour: security headers, template globals and filters."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import get_date_format, parse_pattern
from flask import Request, current_app, request
from flask_babel import format_date, format_datetime, get_babel, get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from learnapp import clock, nav
from learnapp.i18n import per_language

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
# Browser features no page uses, switched off for the site and anything it might embed.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), fullscreen=(self)"
)
# The largest id or number a URL or parameter may carry: PostgreSQL's `integer`, the type of
# every id column. A larger one would fail in the database (500) instead of finding nothing.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: a number past MAX_ID matches no route (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def bounded_int(value) -> int:
    """int() for request parameters (`request.args.get(name, type=int)`): text that is not a
    number is the parameter's default as before; a number past MAX_ID is a bad request (400)."""
    number = int(value)
    if abs(number) > MAX_ID:
        raise BadRequest("number out of range")
    return number


class _Parameters(ImmutableMultiDict):
    def get(self, key, default=None, type=None):
        return super().get(key, default, bounded_int if type is int else type)


class LearnappRequest(Request):
    """Query and form parameters read with `type=int` are bounded (`bounded_int`). A view may
    accept a larger body than MAX_CONTENT_LENGTH: `large_body(limit)` on it (the media upload),
    in force before anything reads the form (the CSRF check does, before the view)."""

    parameter_storage_class = _Parameters

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app and self.url_rule is not None:
            limit = getattr(current_app.view_functions.get(self.url_rule.endpoint), "large_body", None)
            if limit is not None:
                return limit()
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def large_body(limit):
    """Mark a view as accepting a request body up to `limit()` bytes (a callable, read per request
    from the configuration); under the route decorator. Files in such a body are streamed to
    temporary files by Werkzeug, never held in memory."""
    def mark(view):
        view.large_body = limit
        return view
    return mark


def format_credit(hundredths: int | None) -> str:
    """Show a credit stored in hundredths of a 学时 as a number with at most two decimals."""
    if hundredths is None:
        return "0"
    sign = "-" if hundredths < 0 else ""
    whole, frac = divmod(abs(int(hundredths)), 100)
    return f"{sign}{whole}" if frac == 0 else f"{sign}{whole}.{frac:02d}".rstrip("0")


def _local_datetime(value: datetime | None, fmt: str = "short") -> str:
    if value is None:
        return ""
    # Flask-Babel converts to the configured time zone itself.
    return format_datetime(value, fmt)


def _local_date(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.to_local(value).date()
    return _date_formatter(fmt)(value)


def _date_formatter(fmt: str):
    """Flask-Babel's format_date for the request's language, its pattern resolved once per
    language and format: Babel's own steps (named format → pattern) then `pattern.apply` for each
    date, the same text at a fraction of the cost on pages that list many dates. A date's text
    is kept too (a ledger page shows the same few days many times)."""
    return per_language(("date", fmt), lambda locale: _date_texts(fmt, locale))


def _date_texts(fmt: str, locale):
    if locale is None:
        return lambda value: format_date(value, fmt)
    key = (fmt, locale)
    formatter = _date_formatters.get(key)
    if formatter is None:
        pattern = fmt
        if pattern in ("short", "medium", "full", "long"):
            pattern = get_babel().instance.date_formats[f"date.{pattern}"] or get_date_format(pattern, locale=locale)
        formatter = _date_formatters[key] = _DateTexts(parse_pattern(pattern), locale)
    return formatter


class _DateTexts(dict):
    """date → its text in one pattern and language, computed on first use."""

    def __init__(self, pattern, locale):
        super().__init__()
        self.pattern, self.locale = pattern, locale

    def __missing__(self, value: date) -> str:
        if len(self) > 5000:  # a long-running process shows a few years of days; keep it bounded
            self.clear()
        text = self[value] = self.pattern.apply(value, self.locale)
        return text

    __call__ = dict.__getitem__


# (format, babel Locale) → _DateTexts; a few languages × a few formats.
_date_formatters: dict[tuple, _DateTexts] = {}


def init_app(app) -> None:
    """Before the blueprints: the bounded `int` converter must be there when their routes are added."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = LearnappRequest

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if app.config.get("SESSION_COOKIE_SECURE"):
            # Served over HTTPS only: browsers should never try plain HTTP for this host again.
            response.headers.setdefault("Strict-Transport-Security", f"max-age={int(app.config['HSTS_SECONDS'])}")
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            # Personal records must not linger in shared caches or the back-button cache.
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def template_globals():
        return {
            "nav_main": nav.items_for(current_user, "main"),
            "nav_admin": nav.items_for(current_user, "admin"),
            "csrf_token_value": generate_csrf,
            "languages": current_app.config["LANGUAGES"],
            "html_lang": "en" if str(get_locale()) == "en" else "zh-CN",
        }

    app.jinja_env.filters["credit"] = format_credit
    app.jinja_env.filters["datetime"] = _local_datetime
    app.jinja_env.filters["date"] = _local_date
