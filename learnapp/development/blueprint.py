"""The development procedure's blueprint; its pages live in modules that views.py imports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("development", __name__, url_prefix="/development")
