"""The development pages' blueprint, shared by the view modules (file, recording, filings, lists)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("development", __name__, url_prefix="/development")
