"""quizzes domain."""

from __future__ import annotations


def init_app(app) -> None:
    """Taking quizzes, building them, their reports: pages, menu entries, the quiz panel and
    `flask quizzes`."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.quizzes import admin_views, blueprint, cli, report_views, views
    from learnapp.security import can_read_reports, is_branch_admin

    blueprints.register(app, blueprint.bp, blueprint, views, admin_views, report_views)
    nav.register(app, "quizzes.index", _l("Knowledge tests"), order=40)
    nav.register(app, "quizzes.manage", _l("Quizzes"), visible=is_branch_admin, order=40, section="admin")
    nav.register(app, "quizzes.reports", _l("Quiz reports"), visible=can_read_reports, order=41, section="admin")
    nav.register_panel(app, views.quizzes_panel, order=40)
    app.cli.add_command(cli.quizzes_cli)
