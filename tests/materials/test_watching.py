"""Watching a video or audio through the heartbeat API, with the frozen clock: time counts only
while the media plays with the page visible and its position advances with the clock; the credit
is the year's online_video band for the media's real duration, earned at MEDIA_WATCH_SHARE of it."""

from __future__ import annotations

from sqlalchemy import select

from learnapp.db import db
from learnapp.ledger.models import Category, LedgerEntry
from learnapp.materials import uploads
from learnapp.materials.models import MaterialKind, ReadingSession
from learnapp.security import SYSTEM
from tests.helpers.materials import (
    DEMO_VIDEO,
    make_media_material,
    start_watching,
    stored_progress,
    watch_beat,
)


def _entries(user):
    db.session.expire_all()
    return db.session.scalars(select(LedgerEntry).where(LedgerEntry.user_id == user.id)).all()


def _watch(client, clock, session_id, start_seq, positions, every=30, **flags):
    answers = []
    for n, position in enumerate(positions):
        clock.advance(seconds=every)
        answer = watch_beat(client, session_id, start_seq + n, position, **flags)
        assert answer.status_code == 200, answer.get_json()
        answers.append(answer.get_json())
    return answers


def test_watching_a_video_to_the_share_earns_its_credit(client, org, login, clock):
    material = make_media_material(seconds=120)
    session_id = start_watching(client, login, org.learner_a, material)
    answers = _watch(client, clock, session_id, 1, [30, 60, 90])
    assert [a["credited_seconds"] for a in answers] == [30, 30, 30]
    assert answers[-1]["granted_hundredths"] == 0 and not _entries(org.learner_a)  # 90 of 108 s: not yet
    done = _watch(client, clock, session_id, 4, [120])[0]
    assert done["completed"] and done["granted_hundredths"] == 25  # a 2-minute video: the band under 15 min
    [entry] = _entries(org.learner_a)
    assert entry.category == Category.online_video and entry.credit_hundredths == 25
    assert stored_progress(db, org.learner_a, material).counted_seconds == 120


def test_seeking_ahead_earns_nothing(client, org, login, clock):
    material = make_media_material(seconds=600)
    session_id = start_watching(client, login, org.learner_a, material)
    first, jump, after = _watch(client, clock, session_id, 1, [30, 590, 600])
    assert first["credited_seconds"] == 30
    assert (jump["credited_seconds"], jump["watch"]) == (0, "skipped")
    assert after["credited_seconds"] == 10  # from the new position on, what was played counts
    assert stored_progress(db, org.learner_a, material).counted_seconds == 40
    assert not _entries(org.learner_a)


def test_playing_faster_than_allowed_earns_clock_time_only(client, org, login, clock, app):
    app.config["MEDIA_MAX_RATE"] = 1.25
    material = make_media_material(seconds=600)
    session_id = start_watching(client, login, org.learner_a, material)
    fast = _watch(client, clock, session_id, 1, [60, 120], rate=2.0)
    assert [(a["credited_seconds"], a["watch"]) for a in fast] == [(30, "too_fast"), (30, "too_fast")]
    allowed = _watch(client, clock, session_id, 3, [157.5], rate=1.25)[0]
    assert (allowed["credited_seconds"], allowed["watch"]) == (37, None)


def test_a_hidden_page_a_paused_player_and_muted_audio_earn_nothing(client, org, login, clock):
    material = make_media_material(seconds=600, kind=MaterialKind.audio)
    session_id = start_watching(client, login, org.learner_a, material)
    hidden, paused, muted, playing = [
        _watch(client, clock, session_id, 1, [30], visible=False)[0],
        _watch(client, clock, session_id, 2, [30], playing=False)[0],
        _watch(client, clock, session_id, 3, [60], muted=True)[0],
        _watch(client, clock, session_id, 4, [90])[0],
    ]
    assert [(a["credited_seconds"], a["watch"]) for a in (hidden, paused, muted)] == [
        (0, "hidden"), (0, "not_playing"), (0, "muted")]
    assert playing["credited_seconds"] == 30


def test_one_material_at_a_time(client, org, login, clock):
    first = make_media_material("video-one", seconds=600)
    second = make_media_material("video-two", seconds=600)
    first_session = start_watching(client, login, org.learner_a, first)
    _watch(client, clock, first_session, 1, [30])
    client.post("/api/reading/sessions", json={"material_id": second.id, "position": 0})
    clock.advance(seconds=30)
    refused = watch_beat(client, first_session, 2, 60)
    assert refused.status_code == 409 and refused.get_json()["error"] == "superseded"


def test_the_page_resumes_where_the_person_stopped(client, org, login, clock):
    material = make_media_material(seconds=600)
    with DEMO_VIDEO.open("rb") as stream:
        uploads.add_attachment(SYSTEM, material, stream, "视频.mp4")  # the page plays it (2:29)
    session_id = start_watching(client, login, org.learner_a, material, position=0)
    _watch(client, clock, session_id, 1, [30, 60])
    assert client.post(f"/api/reading/sessions/{session_id}/close", json={"position": 75.5}).status_code == 200
    db.session.expire_all()
    assert db.session.get(ReadingSession, session_id).position_ms == 75500
    page = client.get(f"/materials/{material.slug}").get_data(as_text=True)
    assert 'data-resume="75.5"' in page
    # The next session starts there: its first beat is measured from it.
    resumed = start_watching(client, login, org.learner_a, material, position=75.5)
    assert _watch(client, clock, resumed, 1, [105.5])[0]["credited_seconds"] == 30


def test_an_unreadable_position_is_refused(client, org, login, clock):
    material = make_media_material(seconds=600)
    session_id = start_watching(client, login, org.learner_a, material)
    clock.advance(seconds=30)
    for bad in (-1, "10", 10 ** 9, True):
        answer = watch_beat(client, session_id, 1, bad)
        assert answer.status_code == 400 and answer.get_json()["error"] == "bad_request"


def test_a_beat_without_the_players_report_earns_nothing_for_a_video(client, org, login, clock):
    material = make_media_material(seconds=600)
    session_id = start_watching(client, login, org.learner_a, material)
    clock.advance(seconds=30)
    answer = client.post(f"/api/reading/sessions/{session_id}/heartbeat", json={"seq": 1}).get_json()
    assert answer["ok"] and answer["credited_seconds"] == 0
