"""The device cookie: a browser where a person has signed in before (see accounts/sign_in.py).

Signed with the site's secret (itsdangerous), naming the person and a random device ID; set anew
at each successful sign-in, long-lived (KNOWN_DEVICE_DAYS), HttpOnly, SameSite=Lax, Secure with
the session cookie. Nothing is stored on the server: the cookie only chooses which counters a
sign-in attempt from this browser goes to, and a forged or expired one counts as a stranger.
"""

from __future__ import annotations

import secrets

from flask import current_app, request
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from learnapp import clock
from learnapp.accounts.sign_in import KnownDevice

COOKIE_NAME = "learnapp_device"


class _ClockSigner(TimestampSigner):
    """Timestamps from learnapp's clock, so that tests can move time past the expiry."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="learnapp.known-device", signer=_ClockSigner)


def _max_age() -> int:
    return int(current_app.config["KNOWN_DEVICE_DAYS"]) * 86400


def device_of_request() -> KnownDevice | None:
    """The device this request's cookie names, or None (no cookie, forged, expired)."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        payload = _serializer().loads(raw, max_age=_max_age())
        return KnownDevice(int(payload["user"]), str(payload["device"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def remember_device(response, user, device: KnownDevice | None) -> None:
    """Set the cookie for `user` on the response: the same device ID when the browser had one for
    them, else a new one (a browser shared by two people keeps the last one who signed in)."""
    device_id = device.device_id if device is not None and device.user_id == user.id else secrets.token_hex(16)
    response.set_cookie(COOKIE_NAME, _serializer().dumps({"user": user.id, "device": device_id}),
                        max_age=_max_age(), httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), path="/")
