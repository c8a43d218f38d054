"""The audit log's pages: the list with filters and its export, an entry with before and after,
the chain's verification. Reading is scoped by the reader's permissions, so this package sits above
accounts, org and security, which all write to learnapp.audit."""

from __future__ import annotations


def init_app(app) -> None:
    """The audit log pages and their menu entry."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.auditlog import views
    from learnapp.security import can_read_reports

    blueprints.register(app, views.bp, views)
    nav.register(app, "audit.index", _l("Audit log"), visible=can_read_reports, order=90, section="admin")
