"""assessments domain."""

from __future__ import annotations


def init_app(app) -> None:
    """A person's annual record and the assessments: pages and the menu entry."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.assessments import views

    blueprints.register(app, views.bp, views)
    nav.register(app, "assessments.index", _l("My record"), order=60)
