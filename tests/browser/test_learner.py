"""The learner's journeys: reading until credit appears, an offline claim with a photo, a timed quiz.

Time is moved, never waited for: the server's clock through its offset file (server.clock) and the
page's timers through Playwright's fake clock (page.clock), so a heartbeat "every 30 s" takes a
fraction of a second and the server sees 30 s pass between two of them.
"""

from __future__ import annotations

import pytest

from tests.helpers.browser import flows

pytestmark = pytest.mark.browser

def test_learner_reads_until_credit_appears(journey, server):
    """Open the reading list, read a required material until its credit shows, see the list move."""
    journey.login(server.login_for("learner", journey.index), step="home")
    total_before = flows.ledger_total(journey)
    path = flows.open_unfinished_required_reading(journey)
    journey.shot("reading-start")
    result = flows.read_until_credit(journey, server)
    journey.check("credit-appears")
    assert result["granted_hundredths"] > 0
    state = journey.text("[data-reading-state]")
    assert state.strip(), "the page should say whether time is being counted"

    journey.goto("/reading/", step="reading-list-after")
    row = journey.page.locator("main table tbody tr").filter(has=journey.page.locator(f"a[href='{path}']")).first
    cells = row.locator("td")
    credit_cell = cells.nth(cells.count() - 1).inner_text()
    assert flows.credit_number(credit_cell) == result["granted_hundredths"] / 100, credit_cell
    assert flows.ledger_total(journey) > total_before, "the reading credit should reach 'My study hours'"
    journey.shot("my-hours-after-reading")


def _is_save(response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/save")


def test_learner_takes_timed_quiz_and_reloads_midway(journey, make_journey, server, tmp_path):
    """Start the timed quiz, answer half (autosaved), reload three minutes later: answers and timer hold; submit; see the result."""
    built = flows.quiz_for(journey.size, make_journey("admin"), server, tmp_path)
    page = journey.page
    journey.login(built.learner)
    total_before = flows.ledger_total(journey)
    journey.open_menu()
    journey.click("#site-nav a[href='/quizzes/']", step="quizzes")
    journey.click(page.locator(f"a.quiz-link[href='/quizzes/{built.quiz_id}']"), step="quiz-info")
    journey.click(page.locator("main form[action$='/start'] button[type=submit]"), step="attempt")
    assert "/quizzes/attempts/" in journey.path(), journey.text()[:500]

    timer = page.locator("#quiz-timer")
    assert timer.is_visible()
    seconds_at_start = int(timer.get_attribute("data-seconds-left"))
    assert 0 < seconds_at_start <= flows.QUIZ_MINUTES * 60
    questions = page.locator("fieldset.question")
    assert questions.count() == flows.DRAW_COUNT
    half = flows.DRAW_COUNT // 2
    for i in range(half):
        with page.expect_response(_is_save) as saved:
            flows.answer_correctly(questions.nth(i))
        assert saved.value.ok, saved.value.text()
    page.wait_for_selector("#save-status.state-saved")
    assert page.locator("#answered-count").inner_text() == str(half)
    journey.shot("half-answered")

    server.clock.advance(minutes=3)
    page.reload()
    journey.check("after-reload")
    for i in range(half):
        assert questions.nth(i).locator("input:checked").count() >= 1, f"answer {i + 1} lost on reload"
    assert int(timer.get_attribute("data-seconds-left")) <= seconds_at_start - 180, "the server's deadline must hold"

    for i in range(half, flows.DRAW_COUNT):
        flows.answer_correctly(questions.nth(i))
    journey.click("#submit-button", step="result")  # its "are you sure?" is accepted
    assert journey.path().endswith("/result"), journey.path()
    assert any(d.kind == "confirm" for d in journey.dialogs), "submitting should ask for confirmation"
    assert "100" in page.locator(".big-score").inner_text()
    assert page.locator(".result-summary .badge.ok").count() == 1

    journey.goto("/quizzes/", step="quizzes-after")
    card = page.locator("li.card").filter(has=page.locator(f"a.quiz-link[href='/quizzes/{built.quiz_id}']"))
    assert "100" in card.inner_text() and card.locator(".badge.ok").count() == 1
    assert flows.ledger_total(journey) > total_before, "passing the quiz should credit study hours"
    journey.shot("my-hours-after-quiz")


def test_learner_claims_offline_study_with_photo(journey, server, tmp_path):
    """Claim a museum visit: a text file posing as a photo is refused on the field; a real photo goes through."""
    journey.login(server.login_for("learner", journey.index))
    claim = flows.claim_for(journey.size, journey, server, tmp_path)
    assert float(claim.expected) > 0
    journey.goto("/ledger/", step="my-hours-pending")
    # The claims table comes before the ledger lines (which link the claim too once it is approved).
    row = journey.page.locator(f"main tr:has(a[href$='/ledger/claims/{claim.claim_id}'])").first
    assert row.locator(".badge").count() == 1, journey.text()[:800]


def test_quiz_time_runs_out(journey, make_journey, server, tmp_path):
    """An attempt left open past its time limit is submitted by the server with the answers saved in time."""
    built = flows.quiz_for(journey.size, make_journey("admin"), server, tmp_path)
    page = journey.page
    journey.login(built.learner)
    journey.goto(f"/quizzes/{built.quiz_id}")
    start = page.locator("main form[action$='/start'] button[type=submit], main a[href*='/quizzes/attempts/']")
    journey.click(start.first, step="attempt")
    assert "/quizzes/attempts/" in journey.path(), journey.text()[:500]
    with page.expect_response(_is_save):
        flows.answer_correctly(page.locator("fieldset.question").first)

    server.clock.advance(minutes=flows.QUIZ_MINUTES + 1)
    page.reload()
    journey.check("time-up")
    assert journey.path().endswith("/result"), journey.path()
    assert page.locator(".flash-warning").count() == 1, "the learner should be told time ran out"
    assert page.locator(".result-summary .badge").first.is_visible()
