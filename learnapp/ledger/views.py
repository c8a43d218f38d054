"""Views of the ledger domain: the blueprint, its menu items and the home-page progress panel.

The routes live in learner_views (my study hours, claims, check-in), checkin_views (the QR link), admin_views (approval queue,
adjustments), activity_views (activities and attendance) and rules_views (rules, year close).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from learnapp import nav
from learnapp.ledger import activity_views, admin_views, checkin_views, learner_views, rules_views
from learnapp.ledger.blueprint import bp
from learnapp.ledger.progress import year_progress
from learnapp.security import is_auditor, is_branch_admin, is_committee_admin

# The route modules register on `bp` when imported; naming them keeps linters from dropping them.
ROUTE_MODULES = (learner_views, admin_views, activity_views, checkin_views, rules_views)
__all__ = ["bp", "ROUTE_MODULES"]

nav.register("ledger.mine", _l("My study hours"), order=20)
nav.register("ledger.queue", _l("Approval queue"), is_branch_admin, order=20, section="admin")
nav.register("ledger.activities_list", _l("Activities"), is_branch_admin, order=21, section="admin")
nav.register("ledger.adjustments", _l("Adjustments"), is_branch_admin, order=22, section="admin")
nav.register("ledger.rules_index", _l("Credit rules"), lambda u: is_committee_admin(u) or is_auditor(u), order=70,
             section="admin")
nav.register("ledger.years_index", _l("Year close"), lambda u: is_committee_admin(u) or is_auditor(u), order=71,
             section="admin")


def _progress_panel(user) -> dict | None:
    """Home-page panel: this year's credit against the requirement, with the pace."""
    return {"template": "ledger/_panel.html", "ledger_progress": year_progress(user, with_chart=False)}


nav.register_panel(_progress_panel, order=10)
