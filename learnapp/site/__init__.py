"""The committee's settings for the whole site: the site language (Chinese unless the committee
says otherwise) and whether an anonymous visitor's browser language may choose instead.

The language of a request (learnapp.i18n.select_locale): the signed-in person's own choice, else
the site language; an anonymous visitor's choice on the language switch, else their browser's
language when the committee allows it, else the site language.
"""


def init_app(app) -> None:
    """The committee's site settings page and its menu entry; the site language read with the
    signed-in person."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.security import is_committee_admin
    from learnapp.site import services, views

    blueprints.register(app, views.bp, views)
    nav.register(app, "site.language", _l("Site settings"), is_committee_admin, order=95, section="admin")
    services.register_site_language_fact()
