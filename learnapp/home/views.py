"""Home: each person's starting page, with panels contributed by the domains."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from learnapp import nav

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    return render_template("home/index.html", panels=nav.panels_for(current_user))
