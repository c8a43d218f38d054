"""The watching journey's steps: the page's video element, with its position driven by the test.

Time is moved, never waited for (as for reading): the server's clock through its offset file and
the page's timers through Playwright's fake clock. The video element really loads (its metadata
through a Range request), but a real 2-minute playback would take 2 minutes: the test stands in
for the playing media by giving the element a position that advances with the fake clock
(`currentTime` and `paused` on the element itself), which is all the page's script reads.
"""

from __future__ import annotations

HEARTBEAT_S = 30
VIDEO_SLUG = "shipin-rudang-tiaojian-shici"

_DRIVE = """pos => {
  const p = document.querySelector('video');
  window.__position = pos;
  Object.defineProperty(p, 'currentTime', {configurable: true, get() { return window.__position; },
                                           set(v) { window.__position = v; }});
  Object.defineProperty(p, 'paused', {configurable: true, get() { return false; }});
  p.dispatchEvent(new Event('play'));
}"""


def open_video(journey) -> None:
    """Open the demo video's page with the fake clock installed; the reading session starts and the
    video's metadata loads."""
    page = journey.page
    page.clock.install()
    with page.expect_response("**/api/reading/sessions") as started:
        journey.goto(f"/materials/{VIDEO_SLUG}", step="video")
    assert started.value.status == 201, started.value.text()
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")


def video_duration(journey) -> float:
    return journey.page.evaluate("() => document.querySelector('video').duration")


def video_position(journey) -> float:
    return journey.page.evaluate("() => document.querySelector('video').currentTime")


def play_from(journey, position: float) -> None:
    """The video plays from `position` (driven by the test from now on), just after the page opened:
    too soon for the beat that marks a new starting point (the script sends none)."""
    journey.page.evaluate(_DRIVE, position)


def beat_at(journey, server, position: float) -> dict:
    """HEARTBEAT_S pass on both clocks, the video now at `position`: the beat's answer."""
    page = journey.page
    server.clock.advance(seconds=HEARTBEAT_S)
    page.evaluate("pos => { window.__position = pos; }", position)
    with page.expect_response("**/heartbeat") as answer:
        page.clock.run_for(HEARTBEAT_S * 1000)
    data = answer.value.json()
    assert data.get("ok"), data
    return data
