"""Chinese first: every user-facing string in code and templates has a Chinese translation."""

from __future__ import annotations

from learnapp import i18n_catalogs


def test_every_string_has_chinese():
    missing = i18n_catalogs.missing()
    listing = "\n".join(f"{filename}:{line}: {msgid}" for msgid, filename, line in missing[:40])
    assert not missing, f"{len(missing)} string(s) without Chinese (run python -m learnapp.i18n_catalogs update):\n{listing}"


def test_catalogs_compile_and_load(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("zh_CN"):
        assert gettext("Log in") != "Log in"
    with app.test_request_context(), force_locale("en"):
        assert gettext("Log in") == "Log in"


def test_no_text_is_translated_two_ways():
    """Catalogs are merged, so one English text must have one Chinese translation across domains."""
    clashes = i18n_catalogs.conflicts()
    listing = "\n".join(f"{msgid!r}: {by_domain}" for msgid, by_domain in clashes[:30])
    assert not clashes, f"{len(clashes)} text(s) translated differently in different catalogs:\n{listing}"
