"""Content files that name their media: `media: media/<file>.webm` and `subtitles:
media/<file>.vtt` in a material's front matter, relative to the content folder. The sync stores
them in the upload store as the material's attachments, keyed by the file's SHA-256: a second
sync of the same file adds nothing; a changed file replaces the one it names (the old one is
hidden, kept for the record). A named file that is missing (demo media not generated yet) is a
warning: the material is loaded without it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from learnapp.db import db
from learnapp.materials import uploads
from learnapp.materials.models import Attachment, Material

MEDIA_FIELDS = ("media", "subtitles")


def named_files(meta: dict, root: Path, rel: str, problems: list, problem) -> dict[str, str]:
    """The front matter's media fields as {field: path relative to root}; a bad value (not a
    relative path inside the folder, or a file of the wrong type) is a problem."""
    files = {}
    for name in MEDIA_FIELDS:
        value = meta.get(name)
        if value is None:
            continue
        text = str(value).strip()
        resolved = (root / text).resolve()
        if not text or Path(text).is_absolute() or root.resolve() not in resolved.parents:
            problems.append(problem(rel, name, "must be a file inside the content folder, e.g. media/<file>.webm"))
            continue
        if resolved.is_file() and not _right_type(name, resolved):
            problems.append(problem(rel, name, "video (MP4, WebM), audio (MP3, M4A, Opus) or, for subtitles, "
                                               "a WebVTT file expected"))
            continue
        files[name] = text
    return files


def _right_type(name: str, path: Path) -> bool:
    with path.open("rb") as stream:
        content_type = uploads.sniff(stream.read(16)) or ""
    if name == "subtitles":
        return content_type == "text/vtt"
    return content_type.split("/", 1)[0] in ("video", "audio")


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def sync_files(material: Material, files: dict[str, str], root: Path, actor, warnings: list[str]) -> None:
    """Store the named files as the material's attachments (idempotent by hash)."""
    live = list(db.session.scalars(select(Attachment).where(Attachment.material_id == material.id,
                                                            Attachment.removed_at.is_(None)).order_by(Attachment.id)))
    for name, rel in files.items():
        path = root / rel
        if not path.is_file():
            warnings.append(f"{material.content_path or material.slug}: {name}: {rel} not found; loaded without it "
                            "(make the demo media with content/media/make_demo_media.sh)")
            continue
        digest = _digest(path)
        same_role = [a for a in live if (a.is_subtitles if name == "subtitles" else a.media is not None)]
        if any(a.sha256 == digest for a in same_role):
            continue
        for old in same_role:
            uploads.remove_attachment(actor, old)
        with path.open("rb") as stream:
            uploads.add_attachment(actor, material, stream, path.name)
