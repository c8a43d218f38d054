"""Reading and changing the site language settings (the committee admin's, audited).

Read cheaply: a signed-in person's request gets the site language with the person's own statement
(accounts.sessions.register_person_fact); an anonymous request reads both settings in one small
statement, once per request, and only when the page needs a language and no choice was made.
"""

from __future__ import annotations

from functools import cache

from flask import current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from learnapp import audit, clock, i18n, request_memo
from learnapp.accounts import sessions
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.security import is_committee_admin
from learnapp.site.models import SiteSetting

LANGUAGE = "language"
BROWSER_LANGUAGE = "browser_language"  # "1": an anonymous visitor's browser language may choose

_SETTINGS = SiteSetting.__table__
_VALUE = select(_SETTINGS.c.value).where(_SETTINGS.c.key == bindparam("site_language_key"))
_BOTH = select(func.max(_SETTINGS.c.value).filter(_SETTINGS.c.key == LANGUAGE),
               func.max(_SETTINGS.c.value).filter(_SETTINGS.c.key == BROWSER_LANGUAGE))


def _default() -> str:
    return current_app.config.get("BABEL_DEFAULT_LOCALE") or "zh_CN"


def _valid(value: str | None) -> str:
    return value if value in current_app.config["LANGUAGES"] else _default()


def _keep(params: dict, value) -> None:
    if has_request_context():
        request_memo.remember("site_language", None, lambda: _valid(value))


@cache
def register_site_language_fact() -> None:
    """Most requests are signed in: the site language comes with the person's own statement
    (registered from site.init_app, once per process)."""
    sessions.register_person_fact("site_language", lambda: _VALUE.scalar_subquery(),
                                  lambda: {"site_language_key": LANGUAGE}, _keep)


request_memo.depends_on("site_language", SiteSetting)
request_memo.depends_on("site_language_policy", SiteSetting)


def _policy() -> tuple[str, bool]:
    def read():
        language, browser = db.session.execute(_BOTH).one()
        return _valid(language), browser == "1"

    return request_memo.remember("site_language_policy", None, read)


def language() -> str:
    """The site language (zh_CN unless the committee chose another)."""
    return request_memo.remember("site_language", None, lambda: _policy()[0])


def browser_language_allowed() -> bool:
    return _policy()[1]


i18n.use_site_policy(language, browser_language_allowed)


def set_language_policy(actor, language_code: str, allow_browser: bool) -> None:
    """The committee admin sets the site language and whether anonymous visitors' browsers choose."""
    if not is_committee_admin(actor):
        raise DomainError(_("Only the committee admin changes the site settings."))
    if language_code not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Unknown language."), "language")
    before = {"language": language(), "browser_language": browser_language_allowed()}
    for key, value in ((LANGUAGE, language_code), (BROWSER_LANGUAGE, "1" if allow_browser else "0")):
        row = db.session.get(SiteSetting, key)
        if row is None:
            row = SiteSetting(key=key, value=value)
            db.session.add(row)
        row.value, row.updated_by_id, row.updated_at = value, actor.id, clock.now()
    db.session.flush()
    after = {"language": language_code, "browser_language": allow_browser}
    if after != before:
        audit.record(actor, "site.language", ("site_settings", None), summary=f"{language_code}",
                     before=before, after=after)
