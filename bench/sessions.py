"""Signed-in sessions for thousands of benchmark learners without a login request each.

Logging 4,000 people in through the form costs minutes (each login is three requests) and
measures nothing issue 8 asks for; the runner logs admins and a sample of learners in through
the real form and forges the rest: the same cookie Flask-Login and Flask-WTF would have set after
`accounts.login` (user id and session epoch, login/seen times, a CSRF secret), signed with the
server's SECRET_KEY. The server checks these cookies exactly as it checks real ones.
"""

from __future__ import annotations

import hashlib
import os
import time

from flask_login.utils import _create_identifier
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, text

from bench.client import Client


def forge(app, url: str, port: int, logins: list[str]) -> list[Client]:
    """Clients already signed in as `logins` (in that order) on the server at `port`."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT login_id, id || ':' || session_epoch FROM users")).all())
    engine.dispose()
    serializer = app.session_interface.get_signing_serializer(app)
    csrf = URLSafeTimedSerializer(app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key, salt="wtf-csrf-token")
    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        identifier = _create_identifier()  # what session_protection="basic" compares
    now = time.time()
    clients = []
    for login_id in logins:
        raw = hashlib.sha1(os.urandom(64)).hexdigest()
        cookie = serializer.dumps({"_user_id": rows[login_id], "_fresh": True, "_id": identifier, "_permanent": True,
                                   "login_at": now, "seen_at": now, "csrf_token": raw})
        client = Client(port)
        client.cookies[app.config.get("SESSION_COOKIE_NAME", "session")] = cookie
        client.csrf = csrf.dumps(raw)
        client.login_id = login_id
        clients.append(client)
    return clients
