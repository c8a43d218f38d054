"""The test client the app fixture gives (tests/conftest.py)."""

from __future__ import annotations

from flask import g, has_app_context
from flask.testing import FlaskClient

from learnapp.db import db


class FreshRequestClient(FlaskClient):
    """Test client whose requests start with an empty `g` and a session with nothing uncommitted,
    as in production.

    The test's app context stays pushed (so tests can call services directly) and Flask reuses it
    for requests, with its database session; without this, Flask-Login's cached user would leak
    from one client to another, and a request that fails would roll back the test's own set-up.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in list(g):
                g.pop(key)
            if db.session.registry.has() and db.session().in_transaction():
                db.session.commit()
        return super().open(*args, **kwargs)
