"""Append-only audit log, chained by a keyed hash, with signed checkpoints. Services call
`record()` in the transaction of the change; views call `record_read()` when they show a
confidential record."""

from __future__ import annotations

from learnapp.audit.chain import verify_chain, write_checkpoint
from learnapp.audit.services import record, record_read

__all__ = ["record", "record_read", "verify_chain", "write_checkpoint"]


def init_app(app) -> None:
    """The audit log pages, their menu entry and `flask audit`."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.audit import cli, views
    from learnapp.security import can_read_reports

    blueprints.register(app, views.bp, views)
    nav.register(app, "audit.index", _l("Audit log"), visible=can_read_reports, order=90, section="admin")
    app.cli.add_command(cli.audit_cli)
