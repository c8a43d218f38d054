"""The quiz journey with the keyboard alone: Tab, arrows, Space and Enter; no mouse, no clicks.

Each element reached with Tab must show where the focus is (an outline or a shadow).
"""

from __future__ import annotations

import pytest

from tests.helpers.browser import flows
from tests.helpers.browser.server import DEMO_PASSWORD

pytestmark = pytest.mark.browser

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const label = el.closest('label');
  const style = getComputedStyle(el);
  const focusShown = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ||
                     style.boxShadow !== 'none' ||
                     (label && getComputedStyle(label).outlineStyle !== 'none');
  return {tag: el.tagName.toLowerCase(), type: el.type || '', value: el.value || '', id: el.id,
          text: label ? (label.querySelector('.opt-text') || label).textContent.trim() : el.textContent.trim(),
          focusShown: focusShown};
}"""


def _active(page) -> dict | None:
    return page.evaluate(ACTIVE)


def tab_to(page, selector: str, max_tabs: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus; it must show the focus."""
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            active = _active(page)
            assert active["focusShown"], f"no visible focus on {selector}: {active}"
            return
    raise AssertionError(f"{max_tabs} presses of Tab never reached {selector}")


def press_enter_and_wait(journey, step: str | None = None) -> None:
    with journey.page.expect_navigation():
        journey.page.keyboard.press("Enter")
    journey.check(step)


def _correct(active: dict) -> bool:
    if active["type"] == "radio" and active["value"] in ("true", "false"):
        return active["value"] == "true"
    return active["text"] in flows.CORRECT_OPTIONS


def answer_with_keyboard(page) -> int:
    """Walk the attempt form with Tab; choose right answers with arrows and Space. Returns questions answered."""
    answered_groups = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        active = _active(page)
        assert active is not None, "the focus left the page"
        if active["id"] == "submit-button":
            return len(answered_groups)
        assert active["focusShown"], f"no visible focus: {active}"
        if active["type"] == "radio":
            # Tab enters a radio group once; the arrows move (and select) within it.
            for _step in range(8):
                if _correct(active):
                    page.keyboard.press("Space")
                    break
                page.keyboard.press("ArrowDown")
                active = _active(page)
            group = page.evaluate("() => document.activeElement.name")
            answered_groups.add(group)
        elif active["type"] == "checkbox":
            if _correct(active):
                page.keyboard.press("Space")
                answered_groups.add(page.evaluate("() => document.activeElement.name"))
    raise AssertionError("Tab never reached the Submit button")


def test_quiz_with_keyboard_only(journey, make_journey, server, tmp_path):
    """Log in, open the quiz, answer every question and submit, with the keyboard alone."""
    built = flows.quiz_for(journey.size, make_journey("admin"), server, tmp_path)
    page = journey.page

    journey.goto("/login")
    assert page.evaluate("() => document.activeElement.id") == "login_id", "the login ID field should have the focus"
    page.keyboard.type(built.keyboard_learner)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    press_enter_and_wait(journey, step="home")
    assert not journey.path().startswith("/login")
    page.keyboard.press("Tab")  # the first Tab reaches the skip link, which must then be visible
    assert page.evaluate("() => document.activeElement.classList.contains('skip-link')")
    assert page.locator(".skip-link").is_visible()

    if journey.phone:
        tab_to(page, ".nav-toggle")
        page.keyboard.press("Enter")
        page.locator("#site-nav").wait_for(state="visible")
    tab_to(page, "#site-nav a[href='/quizzes/']")
    press_enter_and_wait(journey, step="quizzes")
    tab_to(page, f"a.quiz-link[href='/quizzes/{built.quiz_id}']")
    press_enter_and_wait(journey, step="quiz-info")
    tab_to(page, "main form[action$='/start'] button[type=submit]")
    press_enter_and_wait(journey, step="attempt")
    assert "/quizzes/attempts/" in journey.path()

    answered = answer_with_keyboard(page)
    assert answered == flows.DRAW_COUNT, f"answered {answered} of {flows.DRAW_COUNT} questions"
    page.wait_for_selector("#save-status.state-saved")
    journey.shot("answered")
    press_enter_and_wait(journey, step="result")  # Enter on Submit; the confirmation is accepted
    assert journey.path().endswith("/result"), journey.path()
    assert "100" in page.locator(".big-score").inner_text()
