"""Phone-first layouts: the list pages (ledger lines, claims, approval queue, people, dashboards,
reports, notices, the org tree, the audit log, the question bank, quizzes, development, planning,
year-end, contact work, reading lists) as each demo role sees them. At 390 px no element is wider than the viewport
(a table hidden in a sideways-scrolling box counts too) and no table cell's text runs over three
lines; at both sizes no button is stretched far past its label, and both sizes are photographed."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

# Elements wider than the viewport or sticking out of it, and table cells whose text runs over
# three lines (counted as the distinct line boxes of the cell's text; a card's title four, its
# prose cells marked card-text as many as they need).
LAYOUT_PROBLEMS = """
() => {
  const width = window.innerWidth;
  const problems = [];
  const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ?
                       '.' + el.className.trim().replace(/\\s+/g, '.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // visually hidden headings
    if (box.width > width + 1 || box.right > width + 1) {
      problems.push(name(el) + ' is ' + Math.round(box.width) + ' px wide, right edge at ' + Math.round(box.right));
      if (problems.length > 8) break;
    }
  }
  // The distinct lines of an element's text (its text nodes only: a progress bar is no line).
  const lines = (el) => {
    const tops = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) {
        if (rect.width < 1 || rect.height < 1) continue;
        if (!tops.some((t) => Math.abs(t - rect.top) < rect.height / 2)) tops.push(rect.top);
      }
    }
    return tops.length;
  };
  for (const cell of document.querySelectorAll('main td, main th')) {
    const n = lines(cell);
    // On a card (a .cards row laid out as a flex box), the title spans the card and may take four
    // lines; a prose cell (card-text: a finding, a reason) spans it too and is a paragraph.
    const card = cell.closest('table.cards') && getComputedStyle(cell.closest('tr')).display === 'flex';
    const limit = card && cell.classList.contains('card-text') ? Infinity
                : card && cell.classList.contains('card-title') ? 4 : 3;
    if (n > limit) problems.push('a cell runs over ' + n + ' lines: ' + cell.textContent.trim().slice(0, 60));
  }
  // Text broken one or two characters per line (a date over four lines, a button's label stacked).
  for (const el of document.querySelectorAll('main td, main th, main .button, main button, main .badge, main dd')) {
    const chars = el.textContent.replace(/\\s+/g, '').length;
    const n = lines(el);
    if (n >= 2 && chars / n < 2.5) {
      problems.push('text broken one character per line: ' + el.textContent.trim().slice(0, 40));
    }
  }
  return problems;
}
"""

# Buttons as wide as their label (a filter's 显示 is not stretched across the form), at both sizes.
STRETCHED_BUTTONS = """
() => {
  const problems = [];
  for (const el of document.querySelectorAll('main button, main .button, main input[type=submit]')) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || !el.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    const label = range.getBoundingClientRect().width;
    if (box.width > 160 && box.width > label + 96) {
      problems.push('a button ' + Math.round(box.width) + ' px wide for a label of ' + Math.round(label) + ' px: ' +
                    el.textContent.trim().slice(0, 30));
    }
  }
  return problems;
}
"""

PAGES = {
    "learner": ["/", "/ledger/", "/notices/", "/assessments/", "/reading/", "/quizzes/mistakes", "/development/mine",
                "/materials/", "/quizzes/", "/account", "/ledger/claims/new", "/ledger/checkin"],
    "training contact": ["/assessments/", "/ledger/"],
    "branch admin": ["/ledger/queue", "/people/", "/reports/", "/reports/reminders", "/ledger/activities",
                     "/assessments/", "/ledger/adjustments", "/org/", "/development/", "/development/filings",
                     "/development/compliance", "/planning/", "/planning/forecast", "/quizzes/manage",
                     "/quizzes/reports", "/quizzes/grading", "/bank/", "/reading/lists/",
                     "/contact-work/political-reviews", "/contact-work/reports/missing", "/ledger/activities/new",
                     "/people/new", "/reading/lists/new", "/development/filings/new"],
    "committee admin": ["/reports/", "/people/", "/ledger/queue", "/reports/tests", "/org/", "/audit/", "/bank/",
                        "/bank/questions/new", "/bank/questions/new?kind=single",
                        "/quizzes/manage", "/quizzes/reports", "/development/", "/development/filings",
                        "/development/compliance", "/development/rules", "/people/register", "/planning/",
                        "/planning/forecast", "/yearend/", "/yearend/scores", "/contact-work/political-reviews",
                        "/contact-work/reports/missing", "/reading/lists/", "/materials/manage/", "/ledger/years",
                        "/ledger/rules", "/ledger/adjustments", "/quizzes/manage/new", "/materials/manage/new",
                        "/bank/questions/new?kind=multiple"],
    "auditor": ["/reports/", "/reports/reminders", "/audit/", "/org/", "/development/compliance", "/yearend/"],
}

# One level deeper: on the page, the first link of the selector, when there is one (a quiz's
# report, a question's versions, a reading list's progress, a person's roles...).
DEEPER = {
    "branch admin": [("/quizzes/reports", "main table a[href*='/quizzes/reports/']"),
                     ("/reading/lists/", "main table a[href*='/reading/lists/']"),
                     ("/contact-work/political-reviews", "main table a[href*='/political-review']")],
    "committee admin": [("/quizzes/reports", "main table a[href*='/quizzes/reports/']"),
                        ("/bank/", "main table a[href*='/bank/questions/']"),
                        ("/reading/lists/", "main table a[href*='/reading/lists/']"),
                        ("/materials/manage/", "main table a[href$='/history']"),
                        ("/ledger/years", "main table a[href*='/ledger/years/']"),
                        ("/yearend/", "main a[href*='/yearend/scheme/']"),
                        ("/planning/", "main table a[href*='/planning/people']"),
                        ("/people/", "main a[href$='/roles']")],
}


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"


def _check_layout(journey) -> None:
    problems = journey.page.evaluate(STRETCHED_BUTTONS)
    if journey.phone:
        problems += journey.page.evaluate(LAYOUT_PROBLEMS)
    assert not problems, f"{journey.path()} at {journey.page.viewport_size['width']} px:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("role", list(PAGES))
def test_list_pages_fit_a_phone(journey, server, role):
    journey.login(server.login_for(role))
    for path in PAGES[role]:
        journey.goto(path, step=f"{role.replace(' ', '-')}-{_slug(path)}")
        _check_layout(journey)
    for path, selector in DEEPER.get(role, []):
        journey.goto(path)
        link = journey.page.locator(selector).first
        if link.count():
            journey.click(link, step=f"{role.replace(' ', '-')}-{_slug(path)}-deeper")
            _check_layout(journey)
    if role in ("branch admin", "committee admin", "auditor"):
        # The dashboard's drill-down: a branch's people, and one person's record with its lines.
        journey.goto("/reports/")
        journey.click(journey.page.locator("table.rollup tbody a").first, step=f"{role.replace(' ', '-')}-branch")
        _check_layout(journey)
        person = journey.page.locator("main table tbody a[href*='/assessments/people/']").first
        if person.count():
            journey.click(person, step=f"{role.replace(' ', '-')}-record")
            _check_layout(journey)
    if role == "learner":
        # The ledger page of the previous year too (carried-over and claimed lines).
        journey.goto("/ledger/?year=2025", step="learner-ledger-2025")
        _check_layout(journey)
