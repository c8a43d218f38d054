"""The question bank's one blueprint; routes live in views.py (bank pages) and import_views.py."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("bank", __name__, url_prefix="/bank")
