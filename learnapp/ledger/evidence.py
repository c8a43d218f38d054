"""Evidence files of claims: checked by their first bytes and size, stored under UPLOAD_FOLDER/evidence/,
served by the ledger's permission-checked view (`evidence_url`)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app, url_for
from flask_babel import gettext as _

from learnapp.errors import DomainError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "application/pdf": "pdf"}


def sniff(head: bytes) -> str | None:
    """The content type the bytes really are (PNG, JPEG, WebP, PDF), whatever the file is called."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def evidence_url(evidence) -> str:
    """The URL of the ledger's view of one evidence file (it checks who may open it)."""
    return url_for("ledger.evidence", evidence_id=evidence.id)


def max_bytes() -> int:
    return int(current_app.config.get("LEDGER_EVIDENCE_MAX_BYTES") or DEFAULT_MAX_BYTES)


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "evidence"


@dataclass
class CheckedFile:
    original_name: str
    content_type: str
    data: bytes
    sha256: str


def check(files: list[tuple[str, BinaryIO]], *, field: str = "evidence") -> list[CheckedFile]:
    """Read and check every file; one error per bad file, nothing stored when any is bad."""
    limit = max_bytes()
    checked, reasons = [], []
    files = [(name, stream) for name, stream in files if name]
    if len(files) > MAX_FILES:
        raise DomainError(_("Attach at most %(n)d files.", n=MAX_FILES), field)
    for name, stream in files:
        data = stream.read(limit + 1)
        display = Path(name).name[:200] or "file"
        if len(data) > limit:
            megabytes = format(round(limit / 1048576, 2), "g")
            reasons.append((field, _("%(name)s is larger than %(mb)s MB.", name=display, mb=megabytes)))
            continue
        if not data:
            reasons.append((field, _("%(name)s is empty.", name=display)))
            continue
        content_type = sniff(data[:16])
        if content_type is None:
            reasons.append((field, _("%(name)s is not a PNG, JPEG, WebP image or a PDF file.", name=display)))
            continue
        checked.append(CheckedFile(display, content_type, data, hashlib.sha256(data).hexdigest()))
    if reasons:
        raise DomainError(reasons)
    return checked


def store(checked: CheckedFile) -> str:
    """Write the file under a random name; returns the stored name (relative to the folder)."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{EXTENSIONS[checked.content_type]}"
    (target / stored).write_bytes(checked.data)
    return stored


def remove(stored_names: list[str]) -> None:
    """Delete files written by a request whose transaction then failed."""
    for name in stored_names:
        try:
            (folder() / name).unlink()
        except OSError:
            pass


def path_of(stored_name: str) -> Path:
    path = (folder() / stored_name).resolve()
    if folder().resolve() not in path.parents:
        raise DomainError("bad evidence path")
    return path
