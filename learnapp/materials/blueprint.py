"""The materials domain's one blueprint; its routes live in views, admin_views, list_views and api."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("materials", __name__)
