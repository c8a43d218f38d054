"""Sending the site's e-mail (reminders) through the configured SMTP server."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from flask_babel import gettext as _

from learnapp.errors import DomainError


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def sender() -> str:
    return current_app.config.get("MAIL_FROM") or "learnapp@localhost"


@contextmanager
def smtp_server() -> Iterator[smtplib.SMTP]:
    """A connection to the configured server; DomainError when none is configured or it is unreachable."""
    if not smtp_configured():
        raise DomainError(_("E-mail is not configured on this site (SMTP_HOST)."))
    config = current_app.config
    try:
        server = smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=15)
    except OSError as exc:
        raise DomainError(_("The mail server could not be reached: %(error)s", error=str(exc))) from exc
    with server:
        yield server
