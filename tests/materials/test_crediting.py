"""Measured reading time → ledger credit, with an injected clock (never sleeps)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from learnapp.accounts.caller import Caller
from learnapp.db import db
from learnapp.ledger import services as ledger_services
from learnapp.ledger.models import Category, LedgerEntry, TrainingYear
from learnapp.materials import reading
from learnapp.materials.models import MaterialKind, MaterialStatus, ReadingProgress
from learnapp.materials.reading import HeartbeatRefused
from learnapp.security import SYSTEM
from tests.helpers.materials import make_material, rules_text


def entries(user):
    return db.session.scalars(select(LedgerEntry).where(LedgerEntry.user_id == user.id).order_by(LedgerEntry.id)).all()


def progress_of(user, material, year=2026):
    return db.session.scalar(select(ReadingProgress).where(ReadingProgress.user_id == user.id,
                                                           ReadingProgress.material_id == material.id,
                                                           ReadingProgress.year == year))


class Reader:
    """Drives one reading session like the page's script would, moving the frozen clock."""

    def __init__(self, clock, user, material):
        self.clock, self.user, self.material = clock, user, material
        self.session = reading.start_session(user, material)
        self.seq = 0

    def beat(self, after: float = 30, **kwargs):
        self.clock.advance(seconds=after)
        self.seq += 1
        return reading.heartbeat(Caller.person(self.user), self.session.id, self.seq, kwargs.get("at", self.clock.now()))

    def read(self, seconds: int, every: int = 30):
        results = []
        for _ in range(seconds // every):
            results.append(self.beat(every))
        return results


def test_first_heartbeat_credits_the_elapsed_time(org, clock):
    material = make_material(minutes=30)
    reader = Reader(clock, org.learner_a, material)
    result = reader.beat(30)
    assert result.credited_seconds == 30
    assert progress_of(org.learner_a, material).active_seconds == 30
    assert entries(org.learner_a) == []  # not yet a quarter of the material's credit


def test_elapsed_time_is_capped_at_interval_plus_tolerance(org, clock):
    material = make_material(minutes=30)
    reader = Reader(clock, org.learner_a, material)
    assert reader.beat(50).credited_seconds == 35  # 30 s interval + 5 s tolerance
    assert reader.beat(31).credited_seconds == 31


def test_a_gap_longer_than_the_idle_limit_earns_nothing(org, clock):
    material = make_material(minutes=30)
    reader = Reader(clock, org.learner_a, material)
    reader.beat(30)
    assert reader.beat(91).credited_seconds == 0  # idle limit: 3 heartbeats (90 s)
    assert reader.beat(30).credited_seconds == 30  # counting restarts from the refused gap
    assert progress_of(org.learner_a, material).active_seconds == 60


def test_short_material_is_credited_once_when_completed(org, clock):
    material = make_material(minutes=5)  # < 15 min: 0.25 学时
    reader = Reader(clock, org.learner_a, material)
    reader.read(270)
    assert entries(org.learner_a) == []
    result = reader.beat(30)
    assert result.granted_now == 25
    [entry] = entries(org.learner_a)
    assert (entry.credit_hundredths, entry.category, entry.source_type, entry.source_id) == (25, Category.online_reading, "material", str(material.id))
    assert entry.occurred_on == date(2026, 6, 15)
    assert entry.minutes == 5
    assert entry.dedupe_key == f"read:{org.learner_a.id}:{material.id}:2026:25"
    progress = progress_of(org.learner_a, material)
    assert progress.completed_at is not None and progress.granted_hundredths == 25
    # Reading on is measured but never earns more.
    reader.read(600)
    assert len(entries(org.learner_a)) == 1
    assert progress_of(org.learner_a, material).active_seconds == 900


def test_long_material_is_granted_in_quarter_steps(org, clock):
    material = make_material(minutes=30)  # ≥ 30 min: 1 学时
    reader = Reader(clock, org.learner_a, material)
    reader.read(30 * 60 + 300)
    credits = [e.credit_hundredths for e in entries(org.learner_a)]
    assert credits == [25, 25, 25, 25]
    assert [e.dedupe_key.rsplit(":", 1)[1] for e in entries(org.learner_a)] == ["25", "50", "75", "100"]
    assert sum(e.minutes for e in entries(org.learner_a)) == 30
    assert progress_of(org.learner_a, material).completed_at is not None


def test_credit_never_exceeds_real_time_with_fast_or_forged_beats(org, clock):
    material = make_material(minutes=30)
    reader = Reader(clock, org.learner_a, material)
    with pytest.raises(HeartbeatRefused) as refused:
        reader.beat(1)
    assert refused.value.code == "too_soon"
    # Many beats within a minute earn at most the minute.
    for _ in range(12):
        try:
            reader.beat(5)
        except HeartbeatRefused as exc:
            assert exc.code == "too_soon"
    assert progress_of(org.learner_a, material).active_seconds <= 61


def test_ten_tabs_earn_no_more_than_one(org, clock):
    first = make_material("first", minutes=30)
    second = make_material("second", minutes=30)
    tab_a = Reader(clock, org.learner_a, first)
    tab_b = Reader(clock, org.learner_a, second)  # opened last: this one earns
    assert tab_b.beat(30).credited_seconds == 30
    with pytest.raises(HeartbeatRefused) as refused:
        tab_a.beat(0 + 5)
    assert refused.value.code == "superseded"
    tabs = [Reader(clock, org.learner_a, first) for _ in range(10)]
    total_before = sum(p.active_seconds for p in db.session.scalars(select(ReadingProgress)))
    clock.advance(seconds=30)
    earned = 0
    for tab in tabs:
        tab.seq += 1
        try:
            earned += reading.heartbeat(Caller.person(org.learner_a), tab.session.id, tab.seq, clock.now()).credited_seconds
        except HeartbeatRefused as exc:
            assert exc.code == "superseded"
    assert earned == 30
    total_after = sum(p.active_seconds for p in db.session.scalars(select(ReadingProgress)))
    assert total_after - total_before == 30


def test_other_people_read_independently(org, clock):
    material = make_material(minutes=30)
    a = Reader(clock, org.learner_a, material)
    b = Reader(clock, org.learner_b, material)
    clock.advance(seconds=30)
    for reader in (a, b):
        reader.seq += 1
        assert reading.heartbeat(Caller.person(reader.user), reader.session.id, reader.seq).credited_seconds == 30


def test_refusals(org, clock):
    material = make_material(minutes=30)
    reader = Reader(clock, org.learner_a, material)
    reader.beat(30)
    # A replayed sequence number.
    clock.advance(seconds=30)
    with pytest.raises(HeartbeatRefused) as exc:
        reading.heartbeat(Caller.person(org.learner_a), reader.session.id, reader.seq)
    assert exc.value.code == "replayed"
    # A timestamp in the future.
    with pytest.raises(HeartbeatRefused) as exc:
        reading.heartbeat(Caller.person(org.learner_a), reader.session.id, reader.seq + 1, clock.now() + timedelta(minutes=5))
    assert exc.value.code == "future_timestamp"
    # Another person's session looks like no session at all.
    with pytest.raises(HeartbeatRefused) as exc:
        reading.heartbeat(Caller.person(org.learner_b), reader.session.id, 99)
    assert (exc.value.code, exc.value.status) == ("unknown_session", 404)
    # A closed session.
    reading.close_session(org.learner_a, reader.session.id)
    with pytest.raises(HeartbeatRefused) as exc:
        reading.heartbeat(Caller.person(org.learner_a), reader.session.id, reader.seq + 5)
    assert exc.value.code == "closed"
    assert progress_of(org.learner_a, material).active_seconds == 30


def test_drafts_unknown_and_untimed_materials_are_refused(org, clock):
    draft = make_material("draft", status=MaterialStatus.draft)
    link = make_material("link", kind=MaterialKind.link, external_url="https://www.12371.cn/")
    for material, code in ((draft, "material_unavailable"), (None, "material_unavailable"), (link, "not_timed")):
        with pytest.raises(HeartbeatRefused) as exc:
            reading.start_session(org.learner_a, material)
        assert exc.value.code == code
    # Even a committee admin's preview of a draft earns nothing.
    with pytest.raises(HeartbeatRefused):
        reading.start_session(org.committee_admin, draft)


def test_material_withdrawn_while_reading_stops_earning(org, clock):
    material = make_material(minutes=30)
    reader = Reader(clock, org.learner_a, material)
    reader.beat(30)
    material.status = MaterialStatus.draft
    db.session.flush()
    with pytest.raises(HeartbeatRefused) as exc:
        reader.beat(30)
    assert exc.value.code == "material_unavailable"


def test_video_is_credited_as_online_video(org, clock):
    material = make_material("video", minutes=5, kind=MaterialKind.video)
    Reader(clock, org.learner_a, material).read(300)
    [entry] = entries(org.learner_a)
    assert entry.category == Category.online_video


def test_daily_cap_stops_credit_and_does_not_carry_over(org, clock):
    ledger_services.save_rules(SYSTEM, rules_text(daily_online="0.5"), source_name="test.yaml")
    material = make_material(minutes=60)  # 1 学时 for the whole material
    reader = Reader(clock, org.learner_a, material)
    results = reader.read(40 * 60)
    assert sum(e.credit_hundredths for e in entries(org.learner_a)) == 50
    assert results[-1].capped
    progress = progress_of(org.learner_a, material)
    assert progress.active_seconds == 40 * 60  # time spent still shows
    assert progress.counted_seconds == 30 * 60  # only what the cap let count
    # Next day the material continues from the counted time, not from the capped time.
    clock.set(datetime(2026, 6, 16, 2, 0, tzinfo=UTC))
    reader = Reader(clock, org.learner_a, material)
    reader.read(15 * 60)
    day2 = [e for e in entries(org.learner_a) if e.occurred_on == date(2026, 6, 16)]
    assert sum(e.credit_hundredths for e in day2) == 25  # 45 counted minutes of 60 → 0.75 in total


def test_daily_cap_counts_other_online_credit(org, clock):
    ledger_services.save_rules(SYSTEM, rules_text(daily_online="0.5"), source_name="test.yaml")
    ledger_services.grant(SYSTEM, org.learner_a, category=Category.test_passed, credit_hundredths=50,
                          occurred_on=date(2026, 6, 15), source_type="quiz", source_id="1")
    material = make_material(minutes=5)
    result = Reader(clock, org.learner_a, material).read(300)[-1]
    assert result.capped
    assert [e.source_type for e in entries(org.learner_a)] == ["quiz"]
    assert progress_of(org.learner_a, material).completed_at is None


def test_heartbeat_across_midnight_is_split_between_days(org, clock):
    # 23:59:50 in Shanghai on 15 June.
    clock.set(datetime(2026, 6, 15, 15, 59, 50, tzinfo=UTC) - timedelta(seconds=270))
    material = make_material(minutes=5)
    reader = Reader(clock, org.learner_a, material)
    reader.read(270)  # until 23:59:50
    result = reader.beat(30)  # 10 s on the 15th, 20 s on the 16th
    assert result.days == [date(2026, 6, 15), date(2026, 6, 16)]
    [entry] = entries(org.learner_a)
    assert entry.occurred_on == date(2026, 6, 16)  # 280 s by midnight, the 300th second on the 16th
    assert progress_of(org.learner_a, material).active_seconds == 300


def test_year_boundary_splits_progress_between_years(org, clock):
    clock.set(datetime(2026, 12, 31, 15, 58, 0, tzinfo=UTC))  # 23:58 on 31 Dec in Shanghai
    material = make_material(minutes=5)
    reader = Reader(clock, org.learner_a, material)
    reader.read(240)  # 4 minutes, until 00:02 on 1 January
    p2026 = progress_of(org.learner_a, material, 2026)
    p2027 = progress_of(org.learner_a, material, 2027)
    assert p2026.active_seconds == 120 and p2027.active_seconds == 120
    assert entries(org.learner_a) == []  # neither year reached the 5 minutes
    reader.read(180)
    [entry] = entries(org.learner_a)
    assert (entry.year, entry.occurred_on) == (2027, date(2027, 1, 1))


def test_closed_year_records_time_but_grants_nothing(org, clock):
    db.session.add(TrainingYear(year=2026, closed=True))
    db.session.flush()
    material = make_material(minutes=5)
    results = Reader(clock, org.learner_a, material).read(300)
    assert results[-1].year_closed
    assert entries(org.learner_a) == []
    progress = progress_of(org.learner_a, material)
    assert progress.active_seconds == 300 and progress.completed_at is None


def test_rules_change_after_partial_credit(org, clock):
    material = make_material(minutes=30)
    reader = Reader(clock, org.learner_a, material)
    reader.read(8 * 60)
    assert sum(e.credit_hundredths for e in entries(org.learner_a)) == 25
    material.estimated_minutes = 5  # now worth 0.25 学时: already earned
    db.session.flush()
    reader.beat(30)
    assert progress_of(org.learner_a, material).completed_at is not None
    assert sum(e.credit_hundredths for e in entries(org.learner_a)) == 25
