"""`content sync` of the media a material file names (`media:`, `subtitles:`): stored as
attachments keyed by their hash (idempotent), a changed file replacing the old one, a missing file
a warning, a bad path or type a problem with the file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from learnapp.db import db
from learnapp.materials.content import ContentError, sync
from learnapp.materials.models import Attachment, Material
from tests.helpers.materials import DEMO_SUBTITLES, DEMO_VIDEO, SHORT_WEBM

VIDEO = """---
slug: media-video
title: 视频
kind: video
source: 党章
estimated_minutes: 3
media: {media}
subtitles: media/v.vtt
---
文字稿
"""


def _folder(tmp_path: Path, media: str = "media/v.mp4") -> Path:
    root = tmp_path / "content"
    (root / "materials").mkdir(parents=True)
    (root / "media").mkdir()
    shutil.copy(DEMO_VIDEO, root / "media" / "v.mp4")
    shutil.copy(DEMO_SUBTITLES, root / "media" / "v.vtt")
    (root / "materials" / "media-video.md").write_text(VIDEO.format(media=media), encoding="utf-8")
    return root


def _live(material: Material) -> list[Attachment]:
    return db.session.scalars(select(Attachment).where(Attachment.material_id == material.id,
                                                       Attachment.removed_at.is_(None)).order_by(Attachment.id)).all()


def test_named_media_are_stored_once_and_replaced_when_changed(app, tmp_path):
    root = _folder(tmp_path)
    sync(root)
    material = db.session.scalar(select(Material).where(Material.slug == "media-video"))
    assert [a.content_type for a in _live(material)] == ["video/mp4", "text/vtt"]
    assert material.media_seconds == 149
    sync(root)  # the same files: nothing added
    assert len(_live(material)) == 2
    shutil.copy(SHORT_WEBM, root / "media" / "v.mp4")  # a changed file under the same name
    sync(root)
    video, subtitles = sorted(_live(material), key=lambda a: a.content_type)[::-1]
    assert video.content_type == "video/webm" and material.media_seconds == 4
    assert subtitles.content_type == "text/vtt" and len(_live(material)) == 2


def test_a_missing_media_file_is_a_warning(app, tmp_path):
    root = _folder(tmp_path)
    (root / "media" / "v.mp4").unlink()
    report = sync(root)
    assert any("media/v.mp4 not found" in warning for warning in report.warnings)
    material = db.session.scalar(select(Material).where(Material.slug == "media-video"))
    assert [a.content_type for a in _live(material)] == ["text/vtt"] and material.media_seconds is None


@pytest.mark.parametrize("media", ["../outside.mp4", "/etc/passwd", "media/v.vtt"])
def test_a_path_outside_the_folder_or_a_wrong_type_is_a_problem(app, tmp_path, media):
    root = _folder(tmp_path, media)
    with pytest.raises(ContentError) as refused:
        sync(root)
    assert [(p.path, p.field) for p in refused.value.problems] == [("content/materials/media-video.md", "media")]
