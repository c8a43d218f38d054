"""Views of the org domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("org", __name__)
