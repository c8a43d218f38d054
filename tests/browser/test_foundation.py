"""Journeys of the foundation: logging in as each role, the menu, languages, 403, logout, the auditor.

Every page visited passes Journey.check(): no JavaScript error or CSP violation, labels and alt
text, <html lang> and <title>, and no sideways scrolling on the phone.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

# The auditor's menu walk is test_auditor_reads_but_cannot_change.
DEMO_ROLES = ["committee admin", "branch admin", "training contact", "learner"]
CJK = re.compile(r"[\u4e00-\u9fff]")
# POST forms every signed-in page carries (they are not edit controls).
COMMON_POSTS = ("/logout", "/language")
EDIT_LINK = re.compile(r"/(new|edit|import|delete|create|close)(/|\?|$)")
MAX_DEEPER = 40


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"


def visit_menu(journey, section: str = "all") -> list[str]:
    """Open every menu item the person sees, one after the other; returns the paths visited."""
    journey.open_menu()
    links = journey.nav_links(section)
    visited = []
    for href, _label in links:
        # Each page is photographed once per size, by whichever journey reaches it first.
        journey.goto(href, step=_slug(href) if journey.first_visit(href) else None)
        visited.append(journey.path())
    return visited


def post_actions(journey) -> list[str]:
    """The targets of the POST forms on the current page, except logout and the language switch."""
    actions = journey.page.eval_on_selector_all(
        "form", "fs => fs.filter(f => (f.getAttribute('method') || 'get').toLowerCase() === 'post')"
                ".map(f => f.getAttribute('action') || location.pathname + location.search)")
    return [a for a in actions if not a.endswith(COMMON_POSTS)]


def _one_per_shape(paths: list[str]) -> list[str]:
    """The first path of each shape (/materials/manage/7/edit and /materials/manage/8/edit are one)."""
    seen, result = set(), []
    for path in paths:
        shape = re.sub(r"\d+", "N", path.split("?")[0])
        if shape not in seen:
            seen.add(shape)
            result.append(path)
    return result


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_role_login_and_menu(journey, server, role):
    """Each demo role logs in with the printed login, opens every page of its menu and logs out."""
    journey.name = f"menu-{role.replace(' ', '_')}"
    login_id = server.login_for(role)
    journey.goto("/login", step="login")
    assert journey.page.locator("html").get_attribute("lang") == "zh-CN"
    journey.login(login_id, step="home")
    assert journey.page.locator("main h1").inner_text().strip()
    visited = visit_menu(journey)
    admin_links = journey.nav_links("admin")
    if role in ("learner", "training contact"):
        assert not admin_links, f"a {role} sees administration links: {admin_links}"
    journey.logout(step="logged-out")
    assert journey.page.locator("#login_id").is_visible()
    assert len(visited) >= 1


def test_pages_are_in_chinese(journey, server):
    """Chinese is the default: the login page and the menu speak Chinese to a zh-CN browser."""
    journey.goto("/login")
    assert CJK.search(journey.page.title()), f"login page title not in Chinese: {journey.page.title()!r}"
    assert CJK.search(journey.text("main h1")), journey.text("main h1")
    journey.login(server.login_for("learner", journey.index))
    journey.open_menu()
    labels = [label for _href, label in journey.nav_links()]
    untranslated = [label for label in labels if not CJK.search(label)]
    assert not untranslated, f"menu items not translated: {untranslated}"


def test_language_switch(journey, server):
    """A training contact switches to English, browses in English, and the choice stays after login."""
    login_id = server.login_for("training contact", journey.index)
    journey.login(login_id, step="chinese")
    html = journey.page.locator("html")
    assert html.get_attribute("lang") == "zh-CN"
    journey.click(journey.page.locator(".lang-switch button[value=en]"), step="english")
    assert html.get_attribute("lang") == "en"
    assert journey.page.locator("#site-nav form[action$='/logout'] button").text_content().strip() == "Log out"
    visit_menu(journey)
    journey.logout()
    journey.login(login_id)
    assert html.get_attribute("lang") == "en", "the language choice was not kept for the person"
    journey.click(journey.page.locator(".lang-switch button[value=zh_CN]"), step="back-to-chinese")
    assert html.get_attribute("lang") == "zh-CN"


def test_learner_typing_admin_url_gets_403(journey, make_journey, server):
    """Every administration page in the committee admin's menu gives a learner the 403 page."""
    admin = make_journey("admin")
    admin.login(server.login_for("committee admin"))
    admin.open_menu()
    admin_paths = [href for href, _label in admin.nav_links("admin")]
    if not admin_paths:
        pytest.skip("no administration page is in the menu yet")
    journey.login(server.login_for("learner", journey.index))
    # The first one typed into the address bar and looked at; the others requested without rendering.
    journey.goto(admin_paths[0], status=403, step=f"forbidden-{_slug(admin_paths[0])}")
    assert "403" in journey.text("main h1")
    assert journey.page.locator("main a[href='/']").count() == 1, "the 403 page offers no way back"
    statuses = {path: journey.fetch(path)[0] for path in admin_paths[1:]}
    wrong = {path: status for path, status in statuses.items() if status != 403}
    assert not wrong, f"administration pages a learner is not refused with 403: {wrong}"


def test_logout_ends_the_session_everywhere(journey, new_context, server):
    """After logout, a copy of the session cookie taken before is refused in another browser."""
    journey.login(server.login_for("learner", journey.index))
    copied = journey.context.cookies()
    assert any(c["name"] == "session" for c in copied)
    journey.logout(step="logged-out")
    journey.goto("/")
    assert journey.path().startswith("/login"), journey.path()

    thief = new_context()
    thief.add_cookies(copied)
    page = thief.new_page()
    page.goto(server.url + "/")
    assert page.url.startswith(server.url + "/login"), page.url


def test_auditor_reads_but_cannot_change(journey, make_journey, server):
    """The auditor opens every page of the menu; the administration pages show no edit control; a forged POST gets 403."""
    admin = make_journey("admin")
    admin.login(server.login_for("committee admin"))
    admin.open_menu()
    # The committee admin's edit controls: the POST forms of the administration pages and of the
    # pages their "new", "edit" and "import" links open (read as HTML, not rendered: a sweep).
    targets: list[str] = []
    deeper: list[str] = []
    for href, _label in admin.nav_links("admin"):
        actions, links = admin.post_forms_of(href)
        targets += [t for t in actions if not t.endswith(COMMON_POSTS) and t not in targets]
        deeper += [link for link in links if EDIT_LINK.search(link) and link not in deeper]
    for link in _one_per_shape(deeper)[:MAX_DEEPER]:
        actions, _links = admin.post_forms_of(link)
        targets += [t for t in actions if not t.endswith(COMMON_POSTS) and t not in targets]
    targets = _one_per_shape(targets)

    journey.login(server.login_for("auditor"), step="home")
    journey.open_menu()
    admin_pages = {href for href, _label in journey.nav_links("admin")}
    for href, _label in journey.nav_links():
        journey.goto(href, step=_slug(href) if journey.first_visit(href) else None)
        if href not in admin_pages:
            continue  # the auditor's own record (own claims, own reading) is theirs to change
        edits = post_actions(journey)
        assert not edits, f"the auditor sees forms that change data on {href}: {edits}"
        edit_links = [h for h in journey.page.eval_on_selector_all("main a[href]", "as => as.map(a => a.getAttribute('href'))")
                      if EDIT_LINK.search(h)]
        assert not edit_links, f"the auditor sees edit links on {href}: {edit_links}"

    if "/audit/" in admin_pages:
        journey.goto("/audit/")
        assert journey.page.locator("main table tbody tr").count() > 0, "the audit log shows no entries"

    if not targets:
        # No administration form in the menu yet: try the POST routes the server declares instead.
        targets = [rule for endpoint, methods, rule in server.routes
                   if "POST" in methods and "<" not in rule and not endpoint.startswith("accounts.")]
    if not targets:
        pytest.skip("the site has no administration form yet")
    # The token is good: the same fetch to the language switch is accepted.
    assert journey.post_with_csrf("/language", {"locale": "zh_CN", "next": "/"}) in (200, 302, 0)
    with journey.allow_console(r"status of 403"):  # the browser logs each refused fetch
        refused = {target: journey.post_with_csrf(target) for target in targets}
    wrong = {target: status for target, status in refused.items() if status != 403}
    assert not wrong, f"forged POSTs by the auditor not refused with 403: {wrong}"
    print(f"forged POSTs refused: {sorted(refused)}")  # shown with -rP: what was tried
