"""Administration of the organisation tree: the pages under /org/ (the tree with head counts, a
branch's page) and the changes committee admins make (create, rename, move, deactivate, delete),
audited. Above accounts and security, which the tree itself (learnapp.org) does not import."""

from __future__ import annotations


def init_app(app) -> None:
    """The organisation pages and their menu entry (the tree has no commands)."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.org_admin import views
    from learnapp.security import can_read_reports

    blueprints.register(app, views.bp, views)
    nav.register(app, "org.tree", _l("Organisation"), visible=can_read_reports, order=20, section="admin")
