"""The demo's simulated reading goes through the real heartbeat: a sitting opens a reading session
on an injected clock, beats, closes it; progress and ledger lines come from the crediting code,
the daily cap holds, and the application's clock is put back afterwards."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from learnapp import clock as app_clock
from learnapp.ledger import services as ledger_services
from learnapp.ledger.models import LedgerEntry
from learnapp.materials import demo_reading
from learnapp.materials.demo_reading import Sitting
from learnapp.materials.models import MaterialKind, ReadingSession
from learnapp.security import SYSTEM
from tests.helpers.materials import make_material, make_media_material, rules_text, stored_progress


def _lines(db, user):
    return db.session.scalars(select(LedgerEntry).where(LedgerEntry.user_id == user.id).order_by(LedgerEntry.id)).all()


def test_a_sitting_reads_through_the_heartbeat_and_puts_the_clock_back(app, clock, org, db):
    ledger_services.save_rules(SYSTEM, rules_text(), source_name="rules.yaml")
    material = make_material("sitting", minutes=10)
    now = app_clock.now()
    start = now - timedelta(days=30)
    outcome = demo_reading.sit(org.learner_a, Sitting(material, start, demo_reading.seconds_to_complete(material)))
    assert app_clock.now() == now  # the test's clock again, unmoved
    assert outcome.completed and outcome.granted == 25
    session = db.session.get(ReadingSession, outcome.session_id)
    assert session.started_at == start and session.closed_at is not None
    assert session.beats == outcome.beats and outcome.beats * demo_reading.reading.timing().most_per_beat >= 600
    progress = stored_progress(db, org.learner_a, material)
    assert progress.completed_at is not None and progress.credited_hundredths == 25 and progress.year == start.year
    lines = _lines(db, org.learner_a)
    assert sum(e.credit_hundredths for e in lines) == 25
    assert {(e.source_type, e.source_id, e.occurred_on) for e in lines} == {
        ("material", str(material.id), app_clock.to_local(start).date())}
    assert sum(e.minutes for e in lines) == 10


def test_a_sitting_stops_at_the_daily_cap_and_one_material_at_a_time(app, clock, org, db):
    ledger_services.save_rules(SYSTEM, rules_text(daily_online="0.5"), source_name="rules.yaml")
    first, second = make_material("long-one", minutes=30), make_material("long-two", minutes=30)
    start = app_clock.now() - timedelta(days=3)
    outcome = demo_reading.sit(org.learner_a, Sitting(first, start, 3600))
    assert outcome.capped and not outcome.completed and outcome.granted == 50
    later = demo_reading.sit(org.learner_a, Sitting(second, start + timedelta(hours=1), 600))
    assert later.capped and later.granted == 0  # the same day: the cap is used up
    assert sum(e.credit_hundredths for e in _lines(db, org.learner_a)) == 50
    open_sessions = db.session.scalars(select(ReadingSession).where(ReadingSession.user_id == org.learner_a.id,
                                                                    ReadingSession.closed_at.is_(None))).all()
    assert open_sessions == []


def test_any_material_by_id(app, clock, org, db):
    ledger_services.save_rules(SYSTEM, rules_text(), source_name="rules.yaml")
    chapter = make_material("chapter-one", kind=MaterialKind.chapter, minutes=15)
    outcome = demo_reading.sit_on(org.learner_a, chapter.id, app_clock.now() - timedelta(days=1))
    assert outcome.completed and outcome.granted == 50


def test_a_video_is_watched_through_the_watching_rules(app, clock, org, db):
    """A video's sitting plays it from the start with the player's report on each beat: its credit
    comes from the watching rules (the media's duration decides the band), not from reading time."""
    ledger_services.save_rules(SYSTEM, rules_text(), source_name="rules.yaml")
    video = make_media_material("film", seconds=20 * 60)  # 20 minutes: the 15–29 band, 0.5 学时
    outcome = demo_reading.sit_on(org.learner_a, video.id, app_clock.now() - timedelta(days=1))
    assert outcome.completed and outcome.granted == 50
    session = db.session.get(ReadingSession, outcome.session_id)
    assert session.position_ms >= 0.9 * 20 * 60 * 1000  # played at least the rules' share
    short = demo_reading.sit_on(org.learner_b, video.id, app_clock.now() - timedelta(days=1), seconds=5 * 60)
    assert not short.completed  # five minutes of a twenty-minute video: not the full credit yet
