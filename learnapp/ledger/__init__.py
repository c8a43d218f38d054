"""ledger domain."""

from __future__ import annotations


def init_app(app) -> None:
    """Study hours, claims, activities, credit rules and year close: pages, menu entries, the
    progress panel, `flask rules` and `flask ledger`, and this year's rules stamp read with every
    signed-in person."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.ledger import (
        activity_views,
        admin_views,
        blueprint,
        checkin_views,
        cli,
        learner_views,
        rules,
        rules_views,
        views,
    )
    from learnapp.security import is_auditor, is_branch_admin, is_committee_admin

    blueprints.register(app, blueprint.bp, learner_views, admin_views, activity_views, checkin_views, rules_views)
    nav.register(app, "ledger.mine", _l("My study hours"), order=20)
    nav.register(app, "ledger.queue", _l("Approval queue"), is_branch_admin, order=20, section="admin")
    nav.register(app, "ledger.activities_list", _l("Activities"), is_branch_admin, order=21, section="admin")
    nav.register(app, "ledger.adjustments", _l("Adjustments"), is_branch_admin, order=22, section="admin")
    nav.register(app, "ledger.rules_index", _l("Credit rules"), lambda u: is_committee_admin(u) or is_auditor(u),
                 order=70, section="admin")
    nav.register(app, "ledger.years_index", _l("Year close"), lambda u: is_committee_admin(u) or is_auditor(u),
                 order=71, section="admin")
    nav.register_panel(app, views.progress_panel, order=10)
    app.cli.add_command(cli.rules_cli)
    app.cli.add_command(cli.ledger_cli)
    rules.register_rules_stamp_fact()
