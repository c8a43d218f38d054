"""The planning blueprint; its pages live in views.py."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("planning", __name__, url_prefix="/planning")
