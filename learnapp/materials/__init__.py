"""materials domain."""

from __future__ import annotations


def init_app(app) -> None:
    """The library, reading pages and heartbeat, materials and reading-list administration: pages,
    menu entries, the reading panel and `flask content`."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.materials import (
        admin_views,
        api,
        blueprint,
        book_views,
        cli,
        list_views,
        queries,
        views,
    )
    from learnapp.security import can_read_reports

    blueprints.register(app, blueprint.bp, views, admin_views, list_views, book_views, api)
    nav.register(app, "materials.library", _l("Study materials"), order=20)
    nav.register(app, "materials.my_reading", _l("My reading list"), order=21)
    nav.register(app, "materials.manage", _l("Materials"), visible=queries.sees_drafts, order=40, section="admin")
    nav.register(app, "materials.lists", _l("Reading lists"), visible=can_read_reports, order=41, section="admin")
    nav.register_panel(app, views.reading_panel, order=20)
    app.cli.add_command(cli.content_cli)
