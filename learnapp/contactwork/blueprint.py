"""The contact work's blueprint, shared by its view modules (talks, thought reports, political review)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contactwork", __name__, url_prefix="/contact-work")
