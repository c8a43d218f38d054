"""Shared helpers of the materials tests: materials, sessions and beats at a given time."""

from __future__ import annotations

from sqlalchemy import select

from learnapp.db import db
from learnapp.materials import services
from learnapp.materials.models import Material, MaterialKind, MaterialStatus, ReadingProgress
from learnapp.security import SYSTEM


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
