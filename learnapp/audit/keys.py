"""The secret that keys the audit chain and signs its checkpoints.

It lives in the configuration (`AUDIT_HMAC_KEY`, environment `LEARNAPP_AUDIT_HMAC_KEY`), never in
the database: whoever can write the database but not read the server's configuration can neither
recompute the chain after an edit nor sign a checkpoint. Without the setting the key is derived
from SECRET_KEY (still outside the database), and `audit verify` says so: changing SECRET_KEY
would then make every keyed entry fail, so an operator sets a key of its own
(`python -m learnapp.instance_setup` writes one into instance/config.py).
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

_DERIVATION_LABEL = b"learnapp-audit-chain-key-v1"


def key() -> bytes:
    """The key in force: AUDIT_HMAC_KEY, else one derived from SECRET_KEY."""
    configured = current_app.config.get("AUDIT_HMAC_KEY")
    if configured:
        return configured.encode("utf-8") if isinstance(configured, str) else bytes(configured)
    secret = str(current_app.config.get("SECRET_KEY") or "").encode("utf-8")
    return hmac.new(secret, _DERIVATION_LABEL, hashlib.sha256).digest()


def is_derived() -> bool:
    """True when no AUDIT_HMAC_KEY is configured and the key comes from SECRET_KEY."""
    return not current_app.config.get("AUDIT_HMAC_KEY")


def key_id() -> str:
    """A short name of the key (not the key): tells a checkpoint of another key from a forged one."""
    return hmac.new(key(), b"learnapp-audit-key-id", hashlib.sha256).hexdigest()[:16]


def mac(label: str, text: str) -> str:
    """HMAC-SHA256 of `text` under the key, for one purpose named by `label`."""
    return hmac.new(key(), f"{label}|{text}".encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a or "", b or "")
