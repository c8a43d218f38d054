"""Views of the reports domain: the blueprint with the dashboard pages and the records pages."""

from __future__ import annotations

from learnapp.reports import views_dashboard, views_records
from learnapp.reports.blueprint import bp

__all__ = ["bp", "views_dashboard", "views_records"]
