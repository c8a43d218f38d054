"""The learner watches the demo video (phone and PC): seeking ahead earns nothing, a reload resumes
at the last position, and the credit appears once enough has been played."""

from __future__ import annotations

import pytest

from tests.helpers.browser import flows
from tests.helpers.browser.watching import (
    VIDEO_SLUG,
    beat_at,
    open_video,
    play_from,
    video_duration,
    video_position,
)

pytestmark = pytest.mark.browser


def test_learner_watches_a_video_until_credit_appears(journey, server):
    journey.login(server.login_for("learner", journey.index), step="home")
    open_video(journey)
    page = journey.page
    assert 148 < video_duration(journey) < 151  # the file's metadata came through the permission-checked view
    assert page.locator("video[playsinline] track[kind=subtitles][srclang=zh][default]").count() == 1
    journey.shot("video-start")

    play_from(journey, 0)
    first = beat_at(journey, server, 30)
    assert first["credited_seconds"] == 30

    skipped = beat_at(journey, server, 90)  # sought ahead by a minute within one beat
    assert skipped["credited_seconds"] == 0 and skipped["watch"] == "skipped"
    assert skipped["counted_seconds"] == 30
    journey.check("video-skipped")
    back = beat_at(journey, server, 40)  # back to where it was watched
    assert back["credited_seconds"] == 0

    # Reload: the page resumes at the last position (sent when the page was left).
    journey.goto(f"/materials/{VIDEO_SLUG}", step="video-reloaded")
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.wait_for_function("() => Math.abs(document.querySelector('video').currentTime - 40) < 1")
    assert abs(video_position(journey) - 40) < 1

    play_from(journey, 40)
    credit_before = flows.credit_number(page.locator("[data-reading-credit]").inner_text())
    answers = [beat_at(journey, server, position) for position in (70, 100, 130, 146)]
    assert [a["credited_seconds"] for a in answers] == [30, 30, 30, 16]
    assert answers[-2]["granted_hundredths"] == 0  # 120 s of 135 (90 % of the 2:29 video)
    assert answers[-1]["granted_hundredths"] == 25 and answers[-1]["completed"]
    page.wait_for_function(
        "before => parseFloat(document.querySelector('[data-reading-credit]').textContent) > before",
        arg=credit_before)
    assert page.locator("[data-reading-done]").is_visible()
    journey.check("video-credit")
