"""The menu: on a PC (1366 px) the committee admin's bar is one line, the administration entries
folded under 管理 (a <details>: opened and closed with the keyboard, no inline script); on a phone
every entry is in the folded menu."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# The distinct tops of the bar's entries (main entries, the 管理 summary, the user box).
ENTRY_TOPS = """
() => {
  const tops = [];
  const entries = document.querySelectorAll('#site-nav > ul > li, #site-nav > details > summary, #site-nav > .user-box');
  for (const el of entries) {
    const box = el.getBoundingClientRect();
    if (box.height < 1) continue;
    if (!tops.some((t) => Math.abs(t - box.top) < box.height / 2)) tops.push(box.top);
  }
  return tops;
}
"""

# Administration links not wholly inside the viewport.
OUTSIDE = """
() => Array.from(document.querySelectorAll('#site-nav .admin-nav a')).filter((a) => {
  const box = a.getBoundingClientRect();
  return box.width < 1 || box.left < 0 || box.right > window.innerWidth || box.top < 0;
}).map((a) => a.textContent.trim())
"""


def test_the_committee_admins_menu(journey, server):
    page = journey.page
    journey.login(server.login_for("committee admin"), step="home")
    summary = page.locator("#site-nav details.admin-menu > summary")
    assert summary.inner_text().strip() == "管理"
    admin_links = journey.nav_links("admin")
    assert len(admin_links) >= 10, admin_links
    if journey.phone:
        # In the phone's menu the administration entries are listed, open.
        journey.open_menu()
        assert page.locator("#site-nav details.admin-menu").get_attribute("open") is not None
        assert not page.evaluate(OUTSIDE)
        journey.shot("menu-open")
        return

    tops = page.evaluate(ENTRY_TOPS)
    assert len(tops) == 1, f"the menu runs over {len(tops)} lines at 1366 px"
    nav_height = page.locator("#site-nav").bounding_box()["height"]
    assert nav_height < 2.5 * summary.bounding_box()["height"] + 20, nav_height
    assert not page.locator("#site-nav .admin-nav").is_visible()

    # The keyboard: Enter on 管理 opens the drop-down, Tab reaches its first entry, Escape folds it.
    summary.focus()
    page.keyboard.press("Enter")
    page.locator("#site-nav .admin-nav").wait_for(state="visible")
    assert not page.evaluate(OUTSIDE), "administration entries outside the window"
    journey.shot("admin-menu-open")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == admin_links[0][0]
    page.keyboard.press("Escape")
    assert not page.locator("#site-nav .admin-nav").is_visible()
    assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"

    # A click opens it too; an entry leads to its page, where 管理 is marked as the current section.
    summary.click()
    journey.click(page.locator("#site-nav .admin-nav a[href$='/audit/']"), step="audit-log")
    assert page.locator("#site-nav details.admin-menu > summary.current").count() == 1
    assert len(page.evaluate(ENTRY_TOPS)) == 1
