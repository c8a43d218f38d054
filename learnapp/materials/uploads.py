"""Attachments: type decided by the file's first bytes (not its name), size limits, private storage.

Files live under UPLOAD_FOLDER/materials/ with random names and are served only through a view
that checks the reader may see the material; never from /static.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import audit, clock
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.materials import media
from learnapp.materials.models import Attachment, Material
from learnapp.materials.services import require_content_admin

# Content types we accept, with the extension we serve them under.
ACCEPTED = {
    "application/pdf": ".pdf",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/ogg": ".ogg",
    "audio/wav": ".wav",
    "text/vtt": ".vtt",
}
DEFAULT_LIMITS_MB = {"application": 20}  # video and audio: MEDIA_MAX_BYTES


def sniff(head: bytes) -> str | None:
    """The content type the first bytes show, or None when it is none of the accepted types."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        return "audio/mp4" if brand in (b"M4A ", b"M4B ") else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if media.is_subtitles(head):
        return "text/vtt"
    return None


def limit_bytes(content_type: str) -> int:
    """Largest accepted file of this type: video and audio MEDIA_MAX_BYTES, subtitles
    MEDIA_SUBTITLES_MAX_BYTES, others by MATERIALS_UPLOAD_LIMITS_MB (in MB by major type)."""
    if content_type == "text/vtt":
        return media.subtitles_max_bytes()
    if content_type.split("/", 1)[0] in ("video", "audio"):
        return media.media_max_bytes()
    limits = {**DEFAULT_LIMITS_MB, **current_app.config.get("MATERIALS_UPLOAD_LIMITS_MB", {})}
    return int(limits.get(content_type.split("/", 1)[0], 20)) * 1024 * 1024


def storage_dir() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "materials"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(attachment: Attachment) -> Path:
    return storage_dir() / attachment.stored_name


def _clean_filename(name: str, extension: str) -> str:
    # Keep the author's name (Chinese included) but no path parts or control characters.
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/|?*')[:150]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return (stem or "attachment") + extension


def add_attachment(actor, material: Material, stream: BinaryIO, filename: str) -> Attachment:
    """Check and store an uploaded file; raises DomainError with the reason when refused. The file
    is copied to the store in chunks (a video may be gigabytes), never held in memory; a video or
    audio file's duration is read from it, and the first one becomes the material's media."""
    require_content_admin(actor)
    head = stream.read(16)
    content_type = sniff(head)
    if content_type is None:
        raise DomainError(_("Only PDF, MP4/WebM video, MP3/M4A/OGG/WAV audio and WebVTT subtitle files are accepted; "
                            "this file is none of them."), "file")
    stored_name = secrets.token_hex(16) + ACCEPTED[content_type]
    target = storage_dir() / stored_name
    duration = None
    try:
        size, digest = _copy(stream, head, target, limit_bytes(content_type))
        if content_type == "text/vtt":
            media.check_subtitles(target.read_bytes())
        elif content_type.split("/", 1)[0] in ("video", "audio"):
            duration = media.require_duration(target, content_type)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    attachment = Attachment(material_id=material.id, filename=_clean_filename(filename, ACCEPTED[content_type]),
                            stored_name=stored_name, content_type=content_type, size_bytes=size, sha256=digest,
                            duration_seconds=duration, uploaded_by_id=getattr(actor, "id", None))
    db.session.add(attachment)
    db.session.flush()
    if duration is not None:
        material.media_seconds = media_of(material.id).duration_seconds
    audit.record(actor, "material.attachment_add", material, summary=f"{material.title}: {attachment.filename}",
                 after={"attachment_id": attachment.id, "filename": attachment.filename, "content_type": content_type,
                        "size_bytes": size, "sha256": attachment.sha256, "duration_seconds": duration})
    return attachment


def _copy(stream: BinaryIO, head: bytes, target: Path, limit: int) -> tuple[int, str]:
    """Write the head and the rest of the stream to target in 1 MB chunks: (size, sha256);
    refused as soon as the size passes the limit."""
    digest = hashlib.sha256(head)
    size = len(head)
    with target.open("wb") as out:
        out.write(head)
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                raise DomainError(_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)), "file")
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def media_of(material_id: int) -> Attachment | None:
    """The file a media material's page plays and measures: its first video or audio attachment."""
    rows = db.session.scalars(select(Attachment).where(Attachment.material_id == material_id,
                                                       Attachment.removed_at.is_(None)).order_by(Attachment.id))
    return next((a for a in rows if a.media is not None), None)


def remove_attachment(actor, attachment: Attachment) -> None:
    """Hide an attachment; the file is kept so the record of what was offered stays complete."""
    require_content_admin(actor)
    if attachment.removed_at is not None:
        return
    attachment.removed_at = clock.now()
    db.session.flush()
    if attachment.media is not None:
        playing = media_of(attachment.material_id)
        attachment.material.media_seconds = playing.duration_seconds if playing is not None else None
    audit.record(actor, "material.attachment_remove", attachment.material, summary=f"{attachment.material.title}: {attachment.filename}",
                 before={"attachment_id": attachment.id, "filename": attachment.filename})
