"""The framework's floor, served only by the bench app (bench/wsgi.py), never by production.

`/bench/hello` is Flask with nothing in the way (still through the app's before/after-request
hooks, as every real page is); `/bench/one-query` renders a small template after one simple
query. Every learnapp figure is reported as a ratio to these two.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from learnapp.accounts.models import User
from learnapp.db import db

bp = Blueprint("bench", __name__, url_prefix="/bench", template_folder="templates")


@bp.get("/hello")
def hello():
    return "hello", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/one-query")
def one_query():
    # The committee admin's row: a primary-key lookup, as the cheapest real query a page makes.
    name = db.session.execute(select(User.name).where(User.id == 1)).scalar()
    return render_template("bench/one_query.html", name=name or "")
