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


def test_shared_layout_reads_the_same_on_every_page():
    """A domain catalog wins on its own pages, so it must not re-translate the layout's strings."""
    from babel.messages.extract import extract_from_file

    templates = i18n_catalogs.ROOT / "templates"
    chrome = set()
    for path in [templates / "base.html", *(templates / "_macros").glob("*.html"), *(templates / "errors").glob("*.html")]:
        chrome.update(m[1] for m in extract_from_file("jinja2", str(path), keywords=i18n_catalogs.KEYWORDS) if isinstance(m[1], str))
    clashes = [(msgid, d) for msgid, d in i18n_catalogs.conflicts() if msgid in chrome]
    listing = "\n".join(f"{msgid!r}: {by_domain}" for msgid, by_domain in clashes[:30])
    assert not clashes, f"{len(clashes)} text(s) translated differently in different catalogs:\n{listing}"


def test_a_domain_page_prefers_its_own_wording(app):
    """The same English word may differ by domain; each page shows its own domain's word."""
    from flask_babel import gettext

    bank_catalog = {m.id: m.string for m in i18n_catalogs.load("bank") if m.id}
    core_catalog = {m.id: m.string for m in i18n_catalogs.load(None) if m.id}
    shared = [w for w in bank_catalog if isinstance(w, str) and w in core_catalog and bank_catalog[w] and core_catalog[w]
              and bank_catalog[w] != core_catalog[w]]
    assert shared, "no word differs between the core and bank catalogs to test with"
    word = shared[0]
    bank_url = next(r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("bank.") and not r.arguments)
    with app.test_request_context(bank_url, headers={"Accept-Language": "zh-CN"}):
        app.preprocess_request()
        assert gettext(word) == bank_catalog[word]
    with app.test_request_context("/login", headers={"Accept-Language": "zh-CN"}):
        app.preprocess_request()
        assert gettext(word) == core_catalog[word]


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
