"""Signing in and out: throttled, audited, the same work for every account.

Throttling counts failed attempts (learnapp/throttle.py, shared by all workers). From a device
where the person has signed in before (a signed device cookie, accounts/devices.py) the attempts
count per (login ID, device) only; from any other device per login ID and per client address.
So a stranger who fills a login's window keeps strangers out, while the owner still gets in from
their own browser (OWASP's "device cookies" against lock-out by others).

Audit actions: `auth.sign_in`, `auth.sign_in_failed` (the login ID tried, never the password),
`auth.sign_in_throttled` (once per full window), `auth.sign_out`; each with the client address.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from types import SimpleNamespace

from flask import current_app

from learnapp import audit, throttle
from learnapp.accounts import passwords
from learnapp.accounts.models import User

# Who did it, for the entries of a sign-in that did not succeed: nobody known yet.
VISITOR = SimpleNamespace(id=None, name="anonymous")


class Refusal(enum.StrEnum):
    throttled = "throttled"
    failed = "failed"  # unknown login, wrong password, no password, deactivated: one answer
    expired = "expired"  # the right temporary password, after its time


@dataclass(frozen=True)
class KnownDevice:
    """What a valid device cookie says: this browser signed in as `user_id` before."""

    user_id: int
    device_id: str


@dataclass
class Outcome:
    user: User | None
    refusal: Refusal | None = None

    @property
    def signed_in(self) -> bool:
        return self.refusal is None


def _limits(login: str, address: str, device: KnownDevice | None) -> list[throttle.Limit]:
    config = current_app.config
    if device is not None:
        return throttle.limits_of(config["LOGIN_LIMIT_PER_ACCOUNT"], f"sign-in:device:{login}:{device.device_id}")
    return [*throttle.limits_of(config["LOGIN_LIMIT_PER_ACCOUNT"], f"sign-in:login:{login}"),
            *throttle.limits_of(config["LOGIN_LIMIT_PER_ADDRESS"], f"sign-in:address:{address}")]


def sign_in(login_id: str, password: str, *, address: str, device: KnownDevice | None = None) -> Outcome:
    """Check a sign-in attempt; the caller commits (the counters and audit entries are part of it)."""
    login = (login_id or "").strip().lower()
    user = passwords.user_by_login(login)
    # The cookie counts as the owner's only for the account it was issued to.
    known = device if device is not None and user is not None and device.user_id == user.id else None
    limits = _limits(login, address, known) if throttle.enabled() else []
    full = throttle.reached(limits) if limits else []
    details = {"login_id": login_id, "address": address, "known_device": known is not None}
    if full:
        counts = throttle.hit(limits)
        # Recorded once per window (the first refusal), so a flood does not flood the log too.
        if any(counts[limit] == limit.amount + 1 for limit in full):
            audit.record(VISITOR, "auth.sign_in_throttled", user or ("sign_in", None),
                         branch=user.branch if user else None, summary=login_id, **details,
                         limits=[f"{limit.amount}/{limit.seconds}s" for limit in full])
        return Outcome(None, Refusal.throttled)
    matches = passwords.password_matches(user, password)
    reason = ("unknown login" if user is None else "wrong password" if not matches
              else "deactivated" if not user.active
              else "temporary password expired" if passwords.temporary_expired(user) else None)
    if reason is not None:
        if limits:
            throttle.hit(limits)
        audit.record(VISITOR, "auth.sign_in_failed", user or ("sign_in", None), branch=user.branch if user else None,
                     summary=login_id, reason=reason, **details)
        expired = reason == "temporary password expired"
        return Outcome(None, Refusal.expired if expired else Refusal.failed)
    passwords.after_sign_in(user, password)
    audit.record(user, "auth.sign_in", user, branch=user.branch, summary=user.name, **details)
    return Outcome(user)


def sign_out(user: User, *, address: str) -> None:
    """End every session of the person (also a copied cookie); the caller commits."""
    user.renew_epoch()
    audit.record(user, "auth.sign_out", user, branch=user.branch, summary=user.name, address=address)
