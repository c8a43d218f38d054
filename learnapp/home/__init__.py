"""The landing page after login."""

from __future__ import annotations


def init_app(app) -> None:
    """The landing page and the core's two home panels (administrators' shortcuts, training relations)."""
    from learnapp import blueprints, nav
    from learnapp.home import views

    blueprints.register(app, views.bp, views)
    nav.register_panel(app, views.admin_shortcuts, order=5)
    nav.register_panel(app, views.my_training, order=50)
