"""Question bank (题库): categories, versioned questions, import/export formats."""

from __future__ import annotations


def init_app(app) -> None:
    """The question bank's pages (with import and export), its menu entry and `flask questions`."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.bank import access, blueprint, cli, import_views, views

    blueprints.register(app, blueprint.bp, views, import_views)
    nav.register(app, "bank.index", _l("Question bank"), visible=access.can_open_bank, order=55, section="admin")
    app.cli.add_command(cli.questions_cli)
