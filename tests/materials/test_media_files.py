"""Video, audio and subtitle files: type and duration read from the content, the large-upload cap
of the upload route only, WebVTT checks, and serving with HTTP Range requests after the permission
check (206, 416, HEAD, If-Range; X-Accel-Redirect hands ranges to nginx)."""

from __future__ import annotations

import io

from sqlalchemy import select

from learnapp.db import db
from learnapp.materials import media, uploads
from learnapp.materials.models import Attachment, MaterialKind, MaterialStatus
from learnapp.security import SYSTEM
from tests.helpers.materials import (
    DEMO_AUDIO,
    DEMO_SUBTITLES,
    DEMO_VIDEO,
    SHORT_WEBM,
    make_material,
)

VTT = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\n入党誓词\n".encode()


def _upload(client, material, data: bytes, name: str):
    return client.post(f"/materials/manage/{material.id}/attachments", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_durations_are_read_from_the_files(app):
    with app.app_context():
        assert media.duration_seconds(DEMO_VIDEO, "video/mp4") == 149
        assert media.duration_seconds(SHORT_WEBM, "video/webm") == 4
        assert 240 <= media.duration_seconds(DEMO_AUDIO, "audio/mp4") <= 380
        assert media.duration_seconds(DEMO_SUBTITLES, "audio/mpeg") is None


def test_an_uploaded_video_becomes_the_materials_player_with_subtitles(client, org, login, app):
    material = make_material("upload-video", kind=MaterialKind.video, minutes=2)
    db.session.commit()
    login(org.committee_admin)
    assert _upload(client, material, DEMO_VIDEO.read_bytes(), "入党誓词.mp4").status_code == 302
    assert _upload(client, material, DEMO_SUBTITLES.read_bytes(), "字幕.vtt").status_code == 302
    db.session.expire_all()
    video, subtitles = db.session.scalars(select(Attachment).where(Attachment.material_id == material.id)
                                          .order_by(Attachment.id)).all()
    assert (video.content_type, subtitles.content_type) == ("video/mp4", "text/vtt")
    assert video.duration_seconds == material.media_seconds == 149
    assert "video/mp4 · 0.82 MB · 时长 2:29" in client.get(f"/materials/manage/{material.id}/edit").get_data(as_text=True)
    login(org.learner_a)
    page = client.get("/materials/upload-video").get_data(as_text=True)
    assert f'<video id="player-{video.id}" controls playsinline' in page
    assert (f'<track kind="subtitles" srclang="zh" label="中文" src="/materials/files/{subtitles.id}" default>'
            in page)
    assert "data-watching" in page and "js/watching.js" in page and "文字稿" in page
    served = client.get(f"/materials/files/{subtitles.id}")
    assert served.mimetype == "text/vtt" and "attachment" not in served.headers.get("Content-Disposition", "")


def test_types_are_checked_by_content_and_unreadable_media_refused(client, org, login, app):
    material = make_material("refusals", kind=MaterialKind.video)
    db.session.commit()
    login(org.committee_admin)
    stored_before = set(uploads.storage_dir().iterdir())
    named_like_video = _upload(client, material, b"just text, not a video" * 10, "课程.webm")
    assert named_like_video.status_code == 400 and "不属于以上类型" in named_like_video.get_data(as_text=True)
    broken = _upload(client, material, DEMO_VIDEO.read_bytes()[:64], "半个视频.mp4")
    assert broken.status_code == 400 and "无法从该音视频文件读取时长" in broken.get_data(as_text=True)
    broken = _upload(client, material, SHORT_WEBM.read_bytes()[:40], "半个视频.webm")
    assert broken.status_code == 400 and "无法从该音视频文件读取时长" in broken.get_data(as_text=True)
    bad_subtitles = _upload(client, material, b"WEBVTT\n\n\xff\xfe not utf-8", "字幕.vtt")
    assert bad_subtitles.status_code == 400 and "WebVTT" in bad_subtitles.get_data(as_text=True)
    assert db.session.scalars(select(Attachment).where(Attachment.material_id == material.id)).all() == []
    assert set(uploads.storage_dir().iterdir()) == stored_before  # refused files leave nothing in the store


class _CountingStream(io.BytesIO):
    def read(self, *args):
        data = super().read(*args)
        self.taken = getattr(self, "taken", 0) + len(data)
        return data


def test_the_upload_route_alone_takes_large_bodies_and_refuses_over_the_cap_unread(client, org, login, app):
    material = make_material("large", kind=MaterialKind.video)
    db.session.commit()
    login(org.committee_admin)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # other forms: small
    video = DEMO_VIDEO.read_bytes()
    assert len(video) > 64 * 1024
    assert _upload(client, material, video, "视频.mp4").status_code == 302  # the media route: MEDIA_MAX_BYTES
    edit = client.post(f"/materials/manage/{material.id}/edit", data={"body": "x" * 100_000})
    assert edit.status_code == 413
    app.config["MEDIA_MAX_BYTES"] = 10 * 1024
    body = _CountingStream(b"-" * (3 * 1024 * 1024))
    refused = client.post(f"/materials/manage/{material.id}/attachments", input_stream=body,
                          content_length=len(body.getvalue()), content_type="multipart/form-data; boundary=x")
    assert refused.status_code == 413
    assert getattr(body, "taken", 0) == 0  # refused from the Content-Length, before reading the body


def test_a_file_over_the_media_cap_is_refused_while_streamed(client, org, login, app):
    material = make_material("cap", kind=MaterialKind.video)
    db.session.commit()
    login(org.committee_admin)
    app.config["MEDIA_MAX_BYTES"] = 2 * 1024 * 1024  # the body fits the route, the file not its type's cap
    refused = _upload(client, material, DEMO_VIDEO.read_bytes()[:16] + b"\0" * (2 * 1024 * 1024), "大视频.mp4")
    assert refused.status_code == 400 and "文件超过 2 MB" in refused.get_data(as_text=True)


def _video_attachment(status=MaterialStatus.published):
    material = make_material(f"range-{status.value}", kind=MaterialKind.video, status=status)
    with DEMO_VIDEO.open("rb") as stream:
        attachment = uploads.add_attachment(SYSTEM, material, stream, "视频.mp4")
    db.session.commit()
    return attachment


def test_range_requests_seek_in_a_video(client, org, login):
    attachment = _video_attachment()
    size = DEMO_VIDEO.stat().st_size
    login(org.learner_a)
    url = f"/materials/files/{attachment.id}"
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.headers["Content-Range"] == f"bytes 100-199/{size}"
    assert part.data == DEMO_VIDEO.read_bytes()[100:200] and part.headers["Accept-Ranges"] == "bytes"
    assert part.mimetype == "video/mp4" and part.headers["Cache-Control"] == "private, no-store"
    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == DEMO_VIDEO.read_bytes()[-10:]
    beyond = client.get(url, headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{size}"
    head = client.head(url)
    assert head.status_code == 200 and head.data == b"" and int(head.headers["Content-Length"]) == size
    etag = head.headers["ETag"]
    same = client.get(url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert same.status_code == 206 and len(same.data) == 10
    changed = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"another-version"'})
    assert changed.status_code == 200 and len(changed.data) == size


def test_the_permission_is_checked_before_any_byte(client, org, login):
    attachment = _video_attachment(MaterialStatus.draft)
    answer = client.get(f"/materials/files/{attachment.id}", headers={"Range": "bytes=0-9"})
    assert answer.status_code == 302 and "Content-Range" not in answer.headers  # signed out
    login(org.learner_a)
    answer = client.get(f"/materials/files/{attachment.id}", headers={"Range": "bytes=0-9"})
    assert answer.status_code == 404 and "Content-Range" not in answer.headers


def test_behind_nginx_the_range_is_nginxs_to_serve(client, org, login, app):
    attachment = _video_attachment()
    app.config["ACCEL_REDIRECT"] = "/_protected/"
    login(org.learner_a)
    answer = client.get(f"/materials/files/{attachment.id}", headers={"Range": "bytes=0-9"})
    assert answer.status_code == 200 and answer.data == b""
    assert answer.headers["X-Accel-Redirect"] == f"/_protected/materials/{attachment.stored_name}"
    assert answer.mimetype == "video/mp4"


def test_subtitles_must_be_webvtt(app):
    with app.app_context():
        assert media.is_subtitles(b"WEBVTT\n") and media.is_subtitles(b"\xef\xbb\xbfWEBVTT - title\n")
        assert not media.is_subtitles(b"WEBVTTX") and not media.is_subtitles(b"1\n00:00:00,000 --> 00")
        media.check_subtitles(VTT)
