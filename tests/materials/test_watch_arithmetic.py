"""The watching rules as plain functions (materials/reading/arithmetic.py, judge_watch): what a
beat of a video or audio earns from the player's report and the clock. No app, no database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from learnapp.materials.reading.arithmetic import (
    HIDDEN,
    MUTED,
    NOT_PLAYING,
    SKIPPED,
    SOUGHT,
    TOO_FAST,
    WatchReport,
    WatchRules,
    judge_watch,
    media_minutes,
    need_watch_seconds,
)

RULES = WatchRules(max_rate=1.5, tolerance=2.0, muted_counts=True, share=0.9)

positions = st.floats(0, 20_000, allow_nan=False)
rates = st.floats(0.1, 4.0, allow_nan=False)
clock_seconds = st.integers(0, 400)
rules_st = st.builds(WatchRules, max_rate=st.floats(1.0, 2.0), tolerance=st.floats(0, 5),
                     muted_counts=st.booleans(), share=st.floats(0.5, 1.0))
reports = st.builds(WatchReport, position=positions, playing=st.booleans(), visible=st.booleans(),
                    muted=st.booleans(), rate=rates)


def _watch(clock: int, last: float | None, position: float, *, playing=True, visible=True, muted=False, rate=1.0,
           rules=RULES):
    return judge_watch(clock, last, WatchReport(position, playing, visible, muted, rate), rules)


def test_examples():
    assert _watch(30, 100, 130) == (30, None, 130)  # played with the clock
    assert _watch(30, 100, 145) == (45, None, 145)  # at 1.5×: the media time counts
    assert _watch(30, 100, 110) == (10, None, 110)  # paused for 20 s in between: only the played 10 s
    assert _watch(30, 100, 160, rate=2.0) == (30, TOO_FAST, 160)  # 2×: clock time only
    assert _watch(30, 100, 400) == (0, SKIPPED, 400)  # sought ahead: nothing
    assert _watch(30, 100, 400, rate=2.0) == (0, SKIPPED, 400)  # even claiming a fast rate
    assert _watch(30, 100, 40) == (0, SOUGHT, 40)  # sought back
    assert _watch(30, 100, 100) == (0, NOT_PLAYING, 100)  # stalled
    assert _watch(30, None, 30) == (0, SOUGHT, 30)  # nothing to measure against
    assert _watch(0, 100, 130) == (0, None, 130)  # an idle gap (judge_beat credited nothing)


def test_hidden_paused_and_muted():
    assert _watch(30, 100, 130, visible=False) == (0, HIDDEN, 130)
    assert _watch(30, 100, 130, playing=False) == (0, NOT_PLAYING, 130)
    assert _watch(30, 100, 130, muted=True) == (30, None, 130)
    assert _watch(30, 100, 130, muted=True, rules=WatchRules(muted_counts=False)) == (0, MUTED, 130)


def test_jitter_within_the_tolerance_counts():
    assert _watch(30, 100, 146) == (45, None, 146)  # 46 s in 30 at 1.5×: within 2 s of jitter
    assert _watch(30, 100, 148) == (0, SKIPPED, 148)


def test_need_and_band_length():
    assert need_watch_seconds(120, 0.9) == 108
    assert need_watch_seconds(121, 0.9) == 109  # rounded up
    assert need_watch_seconds(0, 0.9) == 1
    assert media_minutes(119) == 1 and media_minutes(1800) == 30 and media_minutes(1799) == 29


@given(clock_seconds, st.none() | positions, reports, rules_st)
def test_credit_is_bounded_by_the_clock_and_the_position(clock, last, report, rules):
    seconds, reason, position = judge_watch(clock, last, report, rules)
    assert seconds >= 0
    assert position == max(0.0, report.position)  # the next state is where the player is
    assert seconds <= clock * rules.max_rate  # never more than the clock allows at the fastest rate
    if seconds:
        assert last is not None and seconds <= report.position - last  # nor more than the position moved
        assert report.playing and report.visible
        assert rules.muted_counts or not report.muted
    if reason in (TOO_FAST,):
        assert seconds <= clock  # faster than allowed: clock time only
    if reason in (SKIPPED, SOUGHT, HIDDEN, NOT_PLAYING, MUTED):
        assert seconds == 0


@given(clock_seconds, positions, st.floats(0, 20_000), rules_st)
def test_a_jump_ahead_earns_nothing(clock, last, jump, rules):
    target = last + clock * max(rules.max_rate, 4.0) + rules.tolerance + 1 + jump
    for rate in (1.0, rules.max_rate, 4.0):
        assert judge_watch(clock, last, WatchReport(target, True, True, False, rate), rules).seconds == 0


@given(st.integers(1, 400), positions, st.floats(0.25, 1.0), rules_st)
def test_playing_at_an_allowed_rate_counts_the_media_time(clock, last, rate, rules):
    advanced = clock * rate
    watched = judge_watch(clock, last, WatchReport(last + advanced, True, True, False, rate), rules)
    assert watched.reason is None
    assert int(advanced) - 1 <= watched.seconds <= advanced + 1e-6


@given(st.lists(st.tuples(st.integers(10, 35), st.sampled_from([0.5, 1.0, 1.25, 1.5, 2.0, 3.0])), min_size=1,
                max_size=40), rules_st)
def test_a_whole_watch_never_earns_more_than_the_media_it_moved_through(beats, rules):
    """However the rate changes, the credit of a run of beats is at most the distance played and
    at most the clock time × the fastest allowed rate."""
    last, total, clock_total = 0.0, 0, 0
    for clock, rate in beats:
        position = last + clock * rate
        watched = judge_watch(clock, last, WatchReport(position, True, True, False, rate), rules)
        total += watched.seconds
        clock_total += clock
        last = watched.position
    assert total <= last
    assert total <= clock_total * rules.max_rate
