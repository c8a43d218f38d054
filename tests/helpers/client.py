"""The test client the app fixture gives (tests/conftest.py)."""

from __future__ import annotations

from flask import g, has_app_context
from flask.testing import FlaskClient


class FreshRequestClient(FlaskClient):
    """Test client whose requests start with an empty `g`, as in production.

    The test's app context stays pushed (so tests can call services directly) and Flask reuses it
    for requests; without this, Flask-Login's cached user would leak from one client to another.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in list(g):
                g.pop(key)
        return super().open(*args, **kwargs)
