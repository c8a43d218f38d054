"""The `people` blueprint object, shared by the modules that add its pages.

people_views.py (list, person page, create, edit, stage, status, password), people_roles_views.py
(roles, training contacts) and roster_views.py (import) all register routes on it; the app
registers it through people_views, which imports the other two.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")
