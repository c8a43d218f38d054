"""The development procedure's pages: the blueprint with every page module of the domain."""

from __future__ import annotations

from learnapp.development import rules_views
from learnapp.development.blueprint import bp

__all__ = ["bp", "rules_views"]
