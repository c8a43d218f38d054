"""The ledger's home-page panel. The routes live in learner_views (my study hours, claims,
check-in), checkin_views (the QR link), admin_views (approval queue, adjustments), activity_views
(activities and attendance) and rules_views (rules, year close), all on blueprint.bp."""

from __future__ import annotations

from learnapp.ledger.progress import this_year


def progress_panel(user) -> dict | None:
    """Home-page panel: this year's credit against the requirement, with the pace."""
    return {"template": "ledger/_panel.html", "ledger_progress": this_year(user)}
