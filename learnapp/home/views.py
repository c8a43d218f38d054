"""Home: each person's starting page, with panels contributed by the domains.

The core contributes two panels: administrators' shortcuts (by role) and the person's own training
relations (their training contacts, or the people they are training contact of).
"""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from learnapp import nav
from learnapp.accounts import queries as people_queries
from learnapp.security import can_read_reports, is_auditor, is_branch_admin, is_committee_admin

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    return render_template("home/index.html", panels=nav.panels_for(current_user))


def admin_shortcuts(user) -> dict | None:
    """Shortcuts to the administration pages the user may open."""
    if not can_read_reports(user):
        return None
    links = [(_l("Personnel"), url_for("people.index"), _l("Search, add and edit people; stages, roles, contacts."))]
    if is_branch_admin(user):
        links.append((_l("Add a person"), url_for("people.create"), _l("One person, with a temporary password.")))
        links.append((_l("Import a roster"), url_for("people.roster_import"), _l("Many people at once from Excel or CSV.")))
    links.append((_l("Organisation"), url_for("org.tree"),
                  _l("Branches and their head counts.") if not is_committee_admin(user)
                  else _l("Create, rename, move and deactivate branches.")))
    links.append((_l("Audit log"), url_for("audit.index"), _l("Who changed what, and when.")))
    if is_committee_admin(user) or is_auditor(user):
        links.append((_l("Verify the audit chain"), url_for("audit.verify"), _l("Check that no entry was altered or removed.")))
    if is_committee_admin(user):
        role = _l("Committee admin")
    elif is_branch_admin(user):
        role = _l("Branch admin")
    else:
        role = _l("Auditor (read only)")
    return {"template": "home/_admin_panel.html", "links": links, "role": role}


def my_training(user) -> dict | None:
    """The person's training contacts, and the learners they are contact of."""
    contacts, learners = people_queries.active_relations(user)
    if not contacts and not learners:
        return None
    return {"template": "home/_training_panel.html", "contacts": contacts, "learners": learners}
