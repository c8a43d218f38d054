"""People administration (list, person page, create, edit, stage, roles, contacts, roster import)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")
