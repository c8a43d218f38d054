"""The development procedure's pages: the blueprint with every page module of the domain."""

from __future__ import annotations

from learnapp.development import (
    rules_views,
    views_compliance,
    views_file,
    views_filing,
    views_list,
    views_record,
)
from learnapp.development.blueprint import bp

__all__ = ["bp", "rules_views", "views_compliance", "views_file", "views_filing", "views_list", "views_record"]
