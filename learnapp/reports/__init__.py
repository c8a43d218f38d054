"""reports domain."""

from __future__ import annotations


def init_app(app) -> None:
    """The reports: dashboard and records pages, the menu entry, `flask report`; the certificates
    section of a person's annual record (assessments)."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.assessments.extras import register_record_section
    from learnapp.reports import blueprint, cli, views_dashboard, views_records
    from learnapp.security import can_read_reports

    blueprints.register(app, blueprint.bp, views_dashboard, views_records)
    nav.register(app, "reports.dashboard", _l("Reports"), visible=can_read_reports, order=30, section="admin")
    app.cli.add_command(cli.report_cli)
    register_record_section(app, views_records.record_certificates_section)
