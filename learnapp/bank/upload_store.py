"""Keeping an uploaded question file, parsed, between the preview and the confirmation.

The file is parsed once, when it is uploaded; what the parser found (questions, skipped kinds,
errors: JSON-safe data) waits in a server-side folder under a random token, so showing the preview
again or confirming never parses the file again (a large workbook costs seconds each time). The
uploaded bytes themselves are not kept. The session holds only the tokens it created, and each
entry also records who uploaded it, so nobody else can confirm it. Entries older than MAX_AGE are
removed whenever a new one is stored.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app, session

from learnapp import clock

MAX_AGE = timedelta(hours=2)
SESSION_KEY = "bank_import_tokens"
PARSED_SUFFIX = ".parsed"  # beside <token>.json (the meta), which is what _purge looks for
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _folder() -> Path:
    base = current_app.config.get("UPLOAD_FOLDER") or str(Path(current_app.instance_path) / "uploads")
    folder = Path(base) / "bank" / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _purge(folder: Path) -> None:
    cutoff = (clock.now() - MAX_AGE).timestamp()
    for meta_path in folder.glob("*.json"):
        try:
            stored_at = json.loads(meta_path.read_text("utf-8")).get("stored_at", 0)
        except (OSError, ValueError):
            stored_at = 0
        if stored_at < cutoff:
            meta_path.unlink(missing_ok=True)
            meta_path.with_suffix(PARSED_SUFFIX).unlink(missing_ok=True)


def store(parsed: dict, meta: dict) -> str:
    """Keep the parsed file (`parsed`, JSON-safe) with `meta` and return its token, remembered in the session."""
    folder = _folder()
    _purge(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}{PARSED_SUFFIX}").write_text(json.dumps(parsed, ensure_ascii=False), "utf-8")
    (folder / f"{token}.json").write_text(json.dumps({**meta, "stored_at": clock.now().timestamp()}, ensure_ascii=False), "utf-8")
    tokens = [t for t in session.get(SESSION_KEY, []) if (folder / f"{t}.json").exists()][-4:]
    session[SESSION_KEY] = tokens + [token]
    return token


def load(token: str, user_id: int) -> tuple[dict, dict] | None:
    """The parsed file and its meta, if this session stored it for this user and it has not expired."""
    if not _TOKEN_RE.match(token or "") or token not in session.get(SESSION_KEY, []):
        return None
    folder = _folder()
    meta_path, parsed_path = folder / f"{token}.json", folder / f"{token}{PARSED_SUFFIX}"
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id or meta.get("stored_at", 0) < (clock.now() - MAX_AGE).timestamp():
        return None
    try:
        parsed = json.loads(parsed_path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return parsed, meta


def discard(token: str) -> None:
    """Forget a stored file (after import or cancel)."""
    if not _TOKEN_RE.match(token or ""):
        return
    folder = _folder()
    (folder / f"{token}.json").unlink(missing_ok=True)
    (folder / f"{token}{PARSED_SUFFIX}").unlink(missing_ok=True)
    session[SESSION_KEY] = [t for t in session.get(SESSION_KEY, []) if t != token]
