"""Annual development plans (发展计划) per branch, and the plan against what the files show.

    models.py      DevelopmentPlan: one version of a branch's plan for a year (proposed / approved)
    categories.py  the composition categories (女性, 35岁以下, …), each a rule on a person field
    services.py    set_plan (committee), propose_plan (branch), approve_plan, plan_in_force
    actuals.py     the year's counts from the development steps, per branch subtree, with the people
    forecast.py    development targets on course to be admitted this year (from their timelines)
    views.py       /planning/: plan vs actual, the people counted, the forecast, the plan form
"""

from __future__ import annotations


def init_app(app) -> None:
    """The development plan pages and their menu entry."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.planning import blueprint, views
    from learnapp.security import can_read_reports

    blueprints.register(app, blueprint.bp, views)
    nav.register(app, "planning.index", _l("Development plan"), can_read_reports, order=13, section="admin")
