"""Views of the question bank."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("bank", __name__)
