"""Passwords: the rules a new one must meet, hashing, checking a sign-in with the same work for
every account, and temporary passwords (new person, reset, roster import) that expire.

Every stored password is hashed with PASSWORD_HASH_METHOD (scrypt), temporary ones too, with one
exception: the initial passwords of a roster import. scrypt costs ~85 ms a password on the test
machine, so 500 people would take 40 s, past a worker's timeout. Those are random (72 bits),
issued to many people at once and valid for TEMPORARY_PASSWORD_HOURS only; they are stored as an
HMAC-SHA256 keyed with a key derived from SECRET_KEY, which is kept outside the database. A slow
hash protects passwords people choose; against a random 72-bit secret, guessing is out of reach
whatever the hash's speed, and without the key a stolen database gives no way to test a guess.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from learnapp import audit, clock
from learnapp.accounts.models import User
from learnapp.accounts.permissions import can_manage_user
from learnapp.db import db
from learnapp.errors import DomainError

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# A stored initial password of a roster import: the keyed HMAC of the password (see above).
KEYED_PREFIX = "hmac-sha256$"


def new_temporary_password() -> str:
    """A random password of 12 URL-safe characters (72 bits)."""
    return secrets.token_urlsafe(9)


def _bare(text: str) -> str:
    """Letters and digits only: 'P@ssw0rd!2024' and 'p@ssw0rd2024' are the same guess."""
    return re.sub(r"[\W_]+", "", text)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


@cache
def _common_bare() -> frozenset[str]:
    return frozenset(_bare(word) for word in common_passwords())


def _repeats_a_short_unit(text: str) -> bool:
    """'aaaaaaaaaaaa', 'abcabcabcabc', '121212121212': a unit of at most 4 characters repeated."""
    return any(len(text) % size == 0 and text == text[:size] * (len(text) // size) for size in range(1, 5))


def check_password_strength(password: str, field: str = "password", *, login_id: str | None = None,
                            name: str | None = None) -> None:
    """A new password: at least PASSWORD_MIN_LENGTH characters of any kind (a Chinese character
    counts as one, so a passphrase of words or a sentence serves), not a common password, not
    containing the person's login ID or name. No rules on which kinds of character: length does
    more, and people meet composition rules with the patterns guessers try first."""
    text = unicodedata.normalize("NFC", password or "")
    minimum = current_app.config.get("PASSWORD_MIN_LENGTH", 12)
    if len(text) < minimum:
        raise DomainError(_("The password needs at least %(count)d characters; a short sentence or several words are easy to remember.", count=minimum), field)
    folded = text.casefold()
    if folded in common_passwords() or _bare(folded) in _common_bare() or _repeats_a_short_unit(folded):
        raise DomainError(_("This password is too common and among the first that attackers try. Choose another."), field)
    login = (login_id or "").strip().casefold()
    if len(login) >= 3 and login in folded:
        raise DomainError(_("The password may not contain your login ID."), field)
    if any(len(part) >= 2 and part in folded for part in (name or "").casefold().split()):
        raise DomainError(_("The password may not contain your name."), field)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _keyed_digest(password: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    key = hmac.new(secret, b"learnapp initial passwords", hashlib.sha256).digest()
    return KEYED_PREFIX + hmac.new(key, password.encode(), hashlib.sha256).hexdigest()


_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of the configured method and cost, checked when there is no real one to check."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _dummy_hashes[method]


def _method_of(stored: str) -> str:
    return stored.split("$", 1)[0]


def password_matches(user: User | None, password: str) -> bool:
    """Whether `password` is the person's; the same work whether the person exists, has a
    password, is deactivated or not: exactly one check against a hash of the configured method
    and cost, so the time taken tells nothing about the account (an older method's hash, or a
    keyed one, is checked after that one, so it only ever adds)."""
    password = password or ""
    stored = user.password_hash if user is not None else None
    if stored and _method_of(stored) == _method_of(_dummy_hash()):
        return check_password_hash(stored, password)
    check_password_hash(_dummy_hash(), password)
    if not stored:
        return False
    if stored.startswith(KEYED_PREFIX):
        return hmac.compare_digest(stored, _keyed_digest(password))
    return check_password_hash(stored, password)


def user_by_login(login_id: str | None) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.login_id) == (login_id or "").strip().lower()))


def temporary_expired(user: User) -> bool:
    return user.password_expires_at is not None and clock.now() >= user.password_expires_at


def issue_temporary(user: User, *, keyed: bool = False) -> str:
    """Give the person a new random password that must be changed at the next sign-in and stops
    working after TEMPORARY_PASSWORD_HOURS; returns it (shown once, stored only hashed).
    `keyed`: for one of many people at once (roster import), see the module's docstring."""
    temporary = new_temporary_password()
    user.password_hash = _keyed_digest(temporary) if keyed else hash_password(temporary)
    user.must_change_password = True
    user.password_expires_at = clock.now() + timedelta(hours=current_app.config["TEMPORARY_PASSWORD_HOURS"])
    return temporary


def set_password(user: User, password: str, *, must_change: bool = False) -> None:
    """Set a known password without the strength rules: demo data, test fixtures and the CLI's
    own checks only; every form goes through `check_password_strength` first."""
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    user.password_expires_at = None
    user.renew_epoch()


def after_sign_in(user: User, password: str) -> None:
    """A successful sign-in: note it, and re-hash a password hashed by an older method."""
    user.last_login_at = clock.now()
    stored = user.password_hash or ""
    if not stored.startswith(KEYED_PREFIX) and _method_of(stored) != _method_of(_dummy_hash()):
        user.password_hash = hash_password(password)


def reset_password(actor, user: User, *, address: str | None = None) -> str:
    """Give a temporary password that must be changed at next login; ends the person's sessions."""
    if not can_manage_user(actor, user):
        raise DomainError(_("You may not manage this person."))
    temporary = issue_temporary(user)
    user.renew_epoch()
    audit.record(actor, "user.password_reset", user, branch=user.branch, summary=user.name, address=address,
                 expires_at=user.password_expires_at)
    db.session.flush()
    return temporary


def change_password(user: User, current: str, new: str, *, address: str | None = None) -> None:
    """The person changes their own password; every other session of theirs ends."""
    if not user.password_hash or not password_matches(user, current):
        raise DomainError(_("The current password is wrong."), "current_password")
    check_password_strength(new, "new_password", login_id=user.login_id, name=user.name)
    if current == new:
        raise DomainError(_("Choose a password different from the current one."), "new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_expires_at = None
    user.renew_epoch()
    audit.record(user, "user.password_change", user, branch=user.branch, summary=user.name, address=address)
    db.session.flush()
