"""The ledger's blueprint, shared by its view modules (learner, claims admin, activities, rules)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ledger", __name__, url_prefix="/ledger")
