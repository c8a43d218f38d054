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


def test_one_english_text_has_one_chinese_text():
    """The catalogs are merged into one for every page, which shows other domains' text too (panels,
    a record's sections, the menu, a service's message): an English text reads the same in Chinese
    everywhere. A word that means two things gets two msgids ('Submitted' / 'Awaiting reading')."""
    clashes = i18n_catalogs.conflicts()
    listing = "\n".join(f"{msgid!r}: {by_domain}" for msgid, by_domain in clashes[:30])
    assert not clashes, f"{len(clashes)} text(s) translated differently in different catalogs:\n{listing}"


def test_every_page_reads_every_domains_catalog(app):
    """A string of one domain's catalog translates on another domain's page, and the core's on a
    domain's page: the same catalog everywhere."""
    from flask_babel import gettext

    def only_in(domain):
        others = set()
        for other in [None, *i18n_catalogs.DOMAINS]:
            if other != domain:
                others.update(m.id for m in i18n_catalogs.load(other) if isinstance(m.id, str))
        return next(m for m in i18n_catalogs.load(domain) if isinstance(m.id, str) and m.id and m.string and m.id not in others)

    bank_word, core_word = only_in("bank"), only_in(None)
    bank_url = next(r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("bank.") and not r.arguments)
    for url in (bank_url, "/login"):
        with app.test_request_context(url, headers={"Accept-Language": "zh-CN"}):
            app.preprocess_request()
            assert (gettext(bank_word.id), gettext(core_word.id)) == (bank_word.string, core_word.string), url


def test_templates_gettext_translates_escapes_and_formats(app):
    """`_()` in templates: translated in the request's language, the variables escaped in HTML
    (not in plain text), always a %-format like Jinja's own new-style gettext."""
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("zh_CN"):
        assert render_template_string("{{ _('Log in') }}") not in ("Log in", "")
    with app.test_request_context(), force_locale("en"):
        html = app.jinja_env.from_string("{{ _('Hello %(name)s, 100%%', name=who) }}|{{ gettext('Log in') }}")
        assert html.render(who="<b>") == "Hello &lt;b&gt;, 100%|Log in"
        text = app.jinja_env.from_string("{% autoescape false %}{{ _('Hello %(name)s', name=who) }}{% endautoescape %}")
        assert text.render(who="<b>") == "Hello <b>"
