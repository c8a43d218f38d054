"""The training contact's work: talks (谈心谈话), quarterly thought reports (思想汇报) and the
confidential political review dossier (政审) of development targets."""

from __future__ import annotations


def init_app(app) -> None:
    """Talks, thought reports and the political review: pages, menu entries, home panels; what
    it adds beside a quarterly assessment and to the compliance report."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.assessments.extras import register_quarter_extra
    from learnapp.contactwork import (
        access,
        blueprint,
        compliance,
        report_views,
        review_views,
        stored,
        talk_views,
        views,
    )
    from learnapp.development.compliance import register_source
    from learnapp.development.stored import register_rebuild
    from learnapp.security import can_read_reports, is_contact

    blueprints.register(app, blueprint.bp, talk_views, report_views, review_views)
    nav.register(app, "contactwork.my_reports", _l("Thought reports"), access.must_report, order=55)
    nav.register(app, "contactwork.missing", _l("Missing thought reports"),
                 lambda u: is_contact(u) or can_read_reports(u), order=30, section="admin")
    nav.register(app, "contactwork.reviews", _l("Political reviews"), can_read_reports, order=31, section="admin")
    nav.register_panel(app, views.contact_panel, order=45)
    nav.register_panel(app, views.branch_panel, order=46)
    nav.register_panel(app, views.reporter_panel, order=47)
    register_quarter_extra(app, views.assessment_quarter_work)
    register_source(app, compliance.missing_work, compliance.count_missing_work)
    register_rebuild(app, stored.rebuild)
    stored.init_app(app)
