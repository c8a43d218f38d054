"""The crediting rules as plain functions (materials/reading/arithmetic.py): no app, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from learnapp.materials.reading.arithmetic import (
    CLOSED,
    FUTURE_TIMESTAMP,
    REPLAYED,
    STEP_HUNDREDTHS,
    SUPERSEDED,
    TOO_SOON,
    Counted,
    Timing,
    credit_day,
    judge_beat,
    need_seconds,
    session_refusal,
    split_by_day,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIMING = Timing(heartbeat=30, tolerance=5, idle=90)
T0 = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)

moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC))
timings = st.builds(Timing, heartbeat=st.integers(3, 300), tolerance=st.integers(0, 60),
                    idle=st.integers(1, 3600))


# --- judging a beat -------------------------------------------------------------------------------

def test_session_state():
    assert session_refusal(False, None) is None
    assert session_refusal(True, "superseded") == SUPERSEDED
    assert session_refusal(True, "closed") == CLOSED


def _judge(elapsed: float, *, seq: int = 2, last_seq: int = 1, sent_after: float | None = None, timing=TIMING):
    now = T0 + timedelta(seconds=elapsed)
    sent_at = None if sent_after is None else T0 + timedelta(seconds=sent_after)
    return judge_beat(last_beat_at=T0, last_seq=last_seq, seq=seq, sent_at=sent_at, now=now, timing=timing)


def test_examples_of_beats():
    assert _judge(30) == (None, 30)
    assert _judge(31.9) == (None, 31)  # whole seconds
    assert _judge(50) == (None, 35)  # at most heartbeat + tolerance
    assert _judge(90) == (None, 35)
    assert _judge(91) == (None, 0)  # idle: nothing, counting restarts
    assert _judge(9.99).refusal == TOO_SOON  # a third of the heartbeat
    assert _judge(10) == (None, 10)
    assert _judge(30, seq=1).refusal == REPLAYED
    assert _judge(30, sent_after=30 + 5) == (None, 30)  # within the skew
    assert _judge(30, sent_after=30 + 5.001).refusal == FUTURE_TIMESTAMP
    # The order of the checks: a future date first, then a replay, then too soon.
    assert _judge(1, seq=1, sent_after=100).refusal == FUTURE_TIMESTAMP
    assert _judge(1, seq=1).refusal == REPLAYED


@given(last=moments, elapsed=st.floats(0, 100_000, allow_nan=False), last_seq=st.integers(0, 10**6),
       step=st.integers(-5, 5), timing=timings, skew=st.one_of(st.none(), st.floats(-1000, 1000, allow_nan=False)))
def test_a_beat_credits_real_time_only(last, elapsed, last_seq, step, timing, skew):
    now = last + timedelta(seconds=elapsed)
    seq = last_seq + step
    sent_at = None if skew is None else now + timedelta(seconds=skew)
    verdict = judge_beat(last_beat_at=last, last_seq=last_seq, seq=seq, sent_at=sent_at, now=now, timing=timing)
    if skew is not None and skew > 5:
        assert verdict.refusal == FUTURE_TIMESTAMP
    elif seq <= last_seq:
        assert verdict.refusal == REPLAYED
    elif elapsed < timing.min_gap:
        assert verdict.refusal == TOO_SOON
    else:
        assert verdict.refusal is None
    if verdict.refusal is not None:
        assert verdict.seconds == 0
    else:
        assert 0 <= verdict.seconds <= min(elapsed, timing.heartbeat + timing.tolerance)
        if elapsed > timing.idle:
            assert verdict.seconds == 0  # the reader was away
        else:
            assert verdict.seconds == int(min(elapsed, timing.heartbeat + timing.tolerance))


@given(gaps=st.lists(st.floats(0, 500, allow_nan=False), max_size=40), timing=timings)
def test_a_session_never_earns_more_than_the_time_it_lasted(gaps, timing):
    last, seq, now, earned = T0, 0, T0, 0
    for gap in gaps:
        now += timedelta(seconds=gap)
        verdict = judge_beat(last_beat_at=last, last_seq=seq, seq=seq + 1, sent_at=None, now=now, timing=timing)
        if verdict.refusal is None:
            earned += verdict.seconds
            last, seq = now, seq + 1
    assert earned <= (now - T0).total_seconds()


# --- days -----------------------------------------------------------------------------------------

def test_examples_of_days():
    before_midnight = datetime(2026, 6, 15, 15, 59, 50, tzinfo=UTC)  # 23:59:50 in Shanghai
    assert split_by_day(before_midnight + timedelta(seconds=20), 30, SHANGHAI) == [
        (date(2026, 6, 15), 20), (date(2026, 6, 16), 10)]
    assert split_by_day(before_midnight, 30, SHANGHAI) == [(date(2026, 6, 15), 30)]
    new_year = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # midnight in Shanghai
    assert split_by_day(new_year + timedelta(seconds=5), 35, SHANGHAI) == [
        (date(2026, 12, 31), 30), (date(2027, 1, 1), 5)]
    assert split_by_day(new_year, 35, SHANGHAI) == [(date(2026, 12, 31), 35)]  # ends at midnight
    # A second that straddles midnight counts on the later day; none is lost.
    assert split_by_day(before_midnight + timedelta(seconds=20.5), 30, SHANGHAI) == [
        (date(2026, 6, 15), 19), (date(2026, 6, 16), 11)]
    assert split_by_day(T0, 0, SHANGHAI) == []


@given(end=moments, seconds=st.integers(0, 3 * 86400),
       tz=st.sampled_from([SHANGHAI, ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), UTC]))
def test_days_add_up(end, seconds, tz):
    parts = split_by_day(end, seconds, tz)
    assert sum(part for _day, part in parts) == seconds
    assert all(part > 0 for _day, part in parts)
    days = [day for day, _part in parts]
    assert days == sorted(set(days))
    assert all(b - a == timedelta(days=1) for a, b in zip(days, days[1:], strict=False))
    if parts:
        assert days[-1] in ((end - timedelta(microseconds=1)).astimezone(tz).date(), end.astimezone(tz).date())
        assert days[0] == (end - timedelta(seconds=seconds)).astimezone(tz).date()
        assert all(part <= 25 * 3600 for _day, part in parts)  # a day lasts at most 25 hours


# --- credit ---------------------------------------------------------------------------------------

def test_examples_of_credit():
    full, need = 100, need_seconds(30)
    assert need_seconds(0) == 60 and need_seconds(30) == 1800
    # A quarter of the time: the first step.
    step = credit_day(Counted(420), 30, full=full, need=need, remaining=None)
    assert step.grant is not None and (step.grant.hundredths, step.grant.total, step.grant.minutes) == (25, 25, 7)
    assert step.after == Counted(450, 25, 450, False)
    # Not yet the next step: only the time counts.
    assert credit_day(step.after, 30, full=full, need=need, remaining=None).grant is None
    # The rest at completion (a full credit that is not a multiple of the step).
    done = credit_day(Counted(1790, 75, 1350), 30, full=110, need=need, remaining=None)
    assert (done.grant.hundredths, done.grant.total, done.after.completed) == (35, 110, True)
    # A completed material earns nothing more, and a material that earns nothing is never completed.
    assert credit_day(Counted(1800, 100, 1800, True), 30, full=full, need=need, remaining=None).after.completed
    assert credit_day(Counted(0), 3000, full=0, need=need, remaining=None).after == Counted(0)
    # Rules changed since: the credit granted already is the full credit now.
    assert credit_day(Counted(600, 50, 600), 30, full=25, need=300, remaining=None).after == Counted(600, 50, 600, True)
    # The day's cap used up: the time does not count.
    capped = credit_day(Counted(420), 30, full=full, need=need, remaining=0)
    assert capped.capped and capped.grant is None and capped.after == Counted(420)
    # The cap cuts a step short: of the day's time, only what the granted credit stands for counts
    # (10 hundredths: 180 s); time counted before stays counted.
    cut = credit_day(Counted(400), 50, full=full, need=need, remaining=10)
    assert cut.capped and cut.grant.hundredths == 10 and cut.after == Counted(400, 10, 400)
    cut = credit_day(Counted(100), 350, full=full, need=need, remaining=10)
    assert cut.capped and cut.grant.hundredths == 10 and cut.after == Counted(180, 10, 180)


budgets = st.one_of(st.none(), st.integers(-50, 400))


@st.composite
def materials(draw):
    minutes = draw(st.integers(0, 240))
    return draw(st.integers(0, 500)), need_seconds(minutes)


@given(material=materials(), before_counted=st.integers(0, 20_000), before_granted=st.integers(0, 500),
       granted_seconds=st.integers(0, 20_000), completed=st.booleans(), seconds=st.integers(0, 200),
       remaining=budgets)
def test_a_day_never_grants_more_than_allowed(material, before_counted, before_granted, granted_seconds, completed,
                                              seconds, remaining):
    full, need = material
    before = Counted(before_counted, before_granted, granted_seconds, completed)
    day = credit_day(before, seconds, full=full, need=need, remaining=remaining)
    after, grant = day.after, day.grant
    assert before.counted_seconds <= after.counted_seconds <= before.counted_seconds + seconds
    if grant is None:
        assert after.granted_hundredths == before.granted_hundredths
        assert after.completed == (before.completed or (0 < full <= before.granted_hundredths))
        return
    assert grant.hundredths > 0 and grant.total == before.granted_hundredths + grant.hundredths == after.granted_hundredths
    assert grant.total <= full
    if remaining is not None:
        assert grant.hundredths <= remaining
    if not after.completed and not day.capped:
        assert grant.total % STEP_HUNDREDTHS == 0  # steps, except the completing or capped grant
    assert after.completed == (grant.total >= full)
    assert after.granted_seconds == after.counted_seconds
    assert grant.minutes == max(0, after.counted_seconds // 60 - before.granted_seconds // 60)


@given(material=materials(), days=st.lists(st.tuples(st.integers(0, 120), budgets), max_size=60))
def test_reading_day_after_day(material, days):
    """A reader's progress over many beats and days: the grants add up to the credit granted, never
    more than the full credit, each within its day's cap; their minutes add up to the counted time
    they stand for; complete exactly when the full credit is granted."""
    full, need = material
    state, granted, minutes = Counted(), 0, 0
    for seconds, remaining in days:
        day = credit_day(state, seconds, full=full, need=need, remaining=remaining)
        if day.grant is not None:
            granted += day.grant.hundredths
            minutes += day.grant.minutes
            if remaining is not None:
                assert day.grant.hundredths <= remaining
        assert day.after.counted_seconds >= state.counted_seconds
        state = day.after
    assert granted == state.granted_hundredths <= max(full, 0)
    assert minutes == state.granted_seconds // 60
    assert state.completed == (full > 0 and granted >= full)
    if state.counted_seconds >= need and full > 0 and all(r is None for _s, r in days):
        assert state.completed
