"""People, accounts, stages and role grants."""

from __future__ import annotations


def init_app(app) -> None:
    """Sign-in and account pages; personnel pages (people, roles and contacts, roster import);
    their menu entries; `flask users`."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.accounts import (
        cli,
        people_blueprint,
        people_roles_views,
        people_views,
        roster_views,
        views,
    )
    from learnapp.accounts.permissions import can_read_reports

    blueprints.register(app, views.bp, views)
    blueprints.register(app, people_blueprint.bp, people_views, people_roles_views, roster_views)
    nav.register(app, "people.index", _l("Personnel"), visible=can_read_reports, order=10, section="admin")
    nav.register(app, "accounts.my_account", _l("My account"), order=900)
    app.cli.add_command(cli.users_cli)
