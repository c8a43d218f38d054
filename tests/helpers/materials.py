"""Shared helpers of the materials tests: materials, sessions and beats at a given time."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from learnapp.db import db
from learnapp.materials import services
from learnapp.materials.models import Material, MaterialKind, MaterialStatus, ReadingProgress
from learnapp.security import SYSTEM

# The demo's media (content/media/, made by make_demo_media.py and committed): real files for the
# duration, Range and upload tests.
DEMO_MEDIA = Path(__file__).resolve().parents[2] / "content" / "media"
DEMO_VIDEO = DEMO_MEDIA / "rudang-tiaojian.mp4"  # 2:29, H.264 + AAC
# A 4-second WebM (VP9 + Opus), made with ffmpeg: WebM durations are read by materials/media.py.
SHORT_WEBM = Path(__file__).resolve().parent / "media" / "short.webm"
DEMO_AUDIO = DEMO_MEDIA / "dangyuan-yiwu.m4a"
DEMO_SUBTITLES = DEMO_MEDIA / "rudang-tiaojian.vtt"


def make_material(slug: str = "test-material", *, minutes: int = 30, kind: MaterialKind = MaterialKind.article,
                  status: MaterialStatus = MaterialStatus.published, title: str | None = None, body: str = "正文",
                  summary: str = "", source: str = "党章", points: list[str] | None = None,
                  tags: list[str] | None = None, external_url: str | None = None) -> Material:
    data = services.MaterialData(title=title or f"资料 {slug}", summary=summary, body=body, kind=kind, source=source,
                                 estimated_minutes=minutes, status=status, tags=tags or [],
                                 knowledge_points=points or [], external_url=external_url)
    material = services.create_material(SYSTEM, slug, data)
    db.session.flush()
    return material


def rules_text(year: int = 2026, daily_online: str = "null") -> str:
    return f"""\
year: {year}
requirement:
  default: 50
conversion:
  online_reading: {{per_item: [{{min_minutes: 30, credit: 1}}, {{min_minutes: 15, credit: 0.5}}, {{min_minutes: 0, credit: 0.25}}]}}
  online_video: {{per_item: [{{min_minutes: 30, credit: 1}}, {{min_minutes: 15, credit: 0.5}}, {{min_minutes: 0, credit: 0.25}}]}}
  test_passed: {{fixed: 0.5}}
caps:
  daily_online: {daily_online}
"""


def start_reading(client, login, person, *, minutes: int = 30) -> tuple[Material, int]:
    """A new material (committed) and a reading session of it opened by `person`, signed in."""
    material = make_material(minutes=minutes)
    db.session.commit()
    login(person)
    session_id = client.post("/api/reading/sessions", json={"material_id": material.id}).get_json()["session"]
    return material, session_id


def heartbeat(client, session_id: int, seq):
    return client.post(f"/api/reading/sessions/{session_id}/heartbeat", json={"seq": seq})


def reading_after_a_beat(client, org, login, clock, db) -> tuple[Material, int]:
    """learner_a reading a new material: a first beat counted and committed, 30 s passed since."""
    material, session_id = start_reading(client, login, org.learner_a)
    clock.advance(seconds=30)
    assert heartbeat(client, session_id, 1).status_code == 200
    db.session.commit()
    clock.advance(seconds=30)
    return material, session_id


def stored_progress(db, user, material) -> ReadingProgress | None:
    """The person's progress row of the material as stored (nothing the session holds)."""
    db.session.expire_all()
    return db.session.scalar(select(ReadingProgress).where(ReadingProgress.user_id == user.id,
                                                           ReadingProgress.material_id == material.id))


def make_media_material(slug: str = "test-video", *, seconds: int = 120, kind: MaterialKind = MaterialKind.video,
                        **kwargs) -> Material:
    """A published video (or audio) whose played file lasts `seconds` (no file: the beat reads
    only the duration the upload stored)."""
    material = make_material(slug, minutes=max(1, seconds // 60), kind=kind, **kwargs)
    material.media_seconds = seconds
    db.session.flush()
    return material


def start_watching(client, login, person, material, position: float = 0) -> int:
    """`person` signed in, with a session of the media material started at `position`."""
    db.session.commit()
    login(person)
    answer = client.post("/api/reading/sessions", json={"material_id": material.id, "position": position})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["session"]


def watch_beat(client, session_id: int, seq: int, position: float, *, playing: bool = True, visible: bool = True,
               muted: bool = False, rate: float = 1.0):
    return client.post(f"/api/reading/sessions/{session_id}/heartbeat",
                       json={"seq": seq, "position": position, "playing": playing, "visible": visible,
                             "muted": muted, "rate": rate})
