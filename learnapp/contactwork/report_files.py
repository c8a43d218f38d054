"""Files handed in as thought reports: PDF, DOCX or an image, checked by content and size.

A DOCX is a zip archive: its directory is read first and the archive refused when it holds too many
members or would unpack to more than a cap (a small upload that inflates to gigabytes), before any
member is read; the member read to recognise it is itself read with a cap.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from learnapp.errors import DomainError
from learnapp.ledger.evidence import sniff

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024
MAX_MEMBERS = 2000
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "application/pdf": "pdf", DOCX: "docx"}


@dataclass
class CheckedFile:
    original_name: str
    content_type: str
    data: bytes


def max_bytes() -> int:
    return int(current_app.config.get("CONTACTWORK_REPORT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "thought_reports"


def _is_docx(data: bytes) -> bool:
    """A Word document: a zip whose unpacked size is capped, with the word-processing content type."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return False
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
            return False
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            return False
        try:
            # The declared size may lie: read at most 1 MB of the member whatever it says.
            with archive.open("[Content_Types].xml") as member:
                types = member.read(1024 * 1024)
        # zipfile raises NotImplementedError for a compression method it does not know, RuntimeError
        # for an encrypted member: a file we cannot read is not a DOCX we accept.
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError):
            return False
    return b"wordprocessingml.document.main" in types


def check(name: str | None, stream: BinaryIO | None, *, field: str = "file") -> CheckedFile | None:
    """Read and check one uploaded file; None when no file was chosen."""
    if not name or stream is None:
        return None
    limit = max_bytes()
    data = stream.read(limit + 1)
    display = Path(name).name[:200] or "file"
    if len(data) > limit:
        raise DomainError(_("%(name)s is larger than %(mb)s MB.", name=display, mb=format(round(limit / 1048576, 2), "g")),
                          field)
    if not data:
        raise DomainError(_("%(name)s is empty.", name=display), field)
    content_type = sniff(data[:16])
    if content_type is None and data.startswith(b"PK\x03\x04") and _is_docx(data):
        content_type = DOCX
    if content_type is None:
        raise DomainError(_("%(name)s is not a PDF, a Word document (DOCX) or a PNG, JPEG or WebP image.", name=display),
                          field)
    return CheckedFile(display, content_type, data)


def store(checked: CheckedFile) -> str:
    """Write the file under a random name; returns the stored name."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{EXTENSIONS[checked.content_type]}"
    (target / stored).write_bytes(checked.data)
    return stored


def remove(stored: str | None) -> None:
    if stored:
        try:
            (folder() / stored).unlink()
        except OSError:
            pass


def path_of(stored: str) -> Path | None:
    path = (folder() / stored).resolve()
    return path if folder().resolve() in path.parents and path.exists() else None
