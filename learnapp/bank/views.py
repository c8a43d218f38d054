"""Views of the question bank."""

from __future__ import annotations

from flask import Blueprint

from learnapp.bank import models  # noqa: F401  (registers the tables for create_all)

bp = Blueprint("bank", __name__)
