"""A person's walk through the site in one browser tab, with the checks every page must pass.

Every page a journey reaches goes through `Journey.check()`: no JavaScript error, no
Content-Security-Policy violation, no server error, the accessibility basics, and on the phone size
no horizontal scrolling. `check(step)` also writes a screenshot
`test-artifacts/screenshots/<journey>-<size>-<step>.png`.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, Response

from tests.helpers.browser.server import DEMO_PASSWORD, ROOT, LiveServer

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# LEARNAPP_BROWSER_SCREENSHOTS=0 skips writing them (a quicker run while developing).
TAKE_SCREENSHOTS = os.environ.get("LEARNAPP_BROWSER_SCREENSHOTS", "1") != "0"
MAX_SHOT_HEIGHT = 2400
SIZES = {"phone": {"width": 390, "height": 844}, "pc": {"width": 1366, "height": 768}}

# Reports CSP violations through a binding, which survives navigations (console messages are the
# other channel; both are collected).
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', function (e) {
  if (window.__learnappCsp) {
    window.__learnappCsp(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' +
                         (e.sourceFile || document.location.href) + ':' + e.lineNumber);
  }
});
"""

# The accessibility basics: language, title, a name for every form field (a date field's format shown
# beside it), alt text for images.
A11Y_PROBLEMS = """
() => {
  const problems = [];
  const text = (el) => (el && el.textContent || '').trim();
  const lang = (document.documentElement.getAttribute('lang') || '').trim();
  if (!lang) problems.push('<html> has no lang attribute');
  if (!document.title.trim()) problems.push('the page has no <title>');
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                           (el.name ? '[name=' + el.name + ']' : '');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (el.tagName === 'INPUT' && ['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
    const byLabel = el.labels && Array.from(el.labels).some((l) => text(l) || l.querySelector('img[alt]:not([alt=""])'));
    const byAria = (el.getAttribute('aria-label') || '').trim() ||
      (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some((id) => id && text(document.getElementById(id)));
    if (!byLabel && !byAria) problems.push(describe(el) + ' has no label or aria-label');
  }
  // A date field shows the format it takes (YYYY-MM-DD) where it is typed, linked to it for a screen reader.
  for (const el of document.querySelectorAll('input[type=date], input[type=datetime-local]')) {
    const hints = (el.getAttribute('aria-describedby') || '').split(/\\s+/).map((id) => id && document.getElementById(id));
    if (!hints.some((h) => h && /YYYY-MM-DD/.test(h.textContent) && h.getClientRects().length)) {
      problems.push(describe(el) + ' shows no hint of its format (YYYY-MM-DD)');
    }
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push('img ' + img.getAttribute('src') + ' has no alt text');
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    const named = text(el) || (el.getAttribute('aria-label') || '').trim() || (el.getAttribute('title') || '').trim() ||
      el.querySelector('img[alt]:not([alt=""]), svg[aria-label]');
    if (!named) problems.push(describe(el) + ' has no accessible name');
  }
  const seen = new Set();
  // Hidden inputs are never labelled (Flask-WTF gives every form's CSRF field the same id).
  for (const el of document.querySelectorAll('[id]:not(input[type=hidden])')) {
    if (seen.has(el.id)) problems.push('duplicate id ' + el.id);
    seen.add(el.id);
  }
  return problems;
}
"""

# Elements that stick out of the viewport on the right, to say *what* makes the page scroll.
OVERFLOW = """
() => {
  const width = window.innerWidth;
  const doc = document.documentElement;
  if (doc.scrollWidth <= width) return null;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\\s+/g, '.') : '') +
                    ' right=' + Math.round(box.right));
      if (culprits.length >= 5) break;
    }
  }
  return {scrollWidth: doc.scrollWidth, innerWidth: width, culprits: culprits};
}
"""


# (path, size) pairs already photographed by some journey: menu walks photograph each page once.
_PHOTOGRAPHED: set[tuple[str, str]] = set()


class _PostForms(HTMLParser):
    """Collects the actions of a page's POST forms (the page's own path when a form has none)."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.actions: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "get").lower() == "post":
            self.actions.append(values.get("action") or self.page_path)
        elif tag == "a" and (values.get("href") or "").startswith("/"):
            self.links.append(values["href"])


class JourneyError(AssertionError):
    """A page broke one of the rules every page must follow."""


@dataclass
class Dialog:
    kind: str
    message: str
    url: str


class Journey:
    """One tab of one person (or several, one after the other) at one screen size."""

    def __init__(self, context: BrowserContext, server: LiveServer, size: str, name: str):
        self.context = context
        self.server = server
        self.size = size
        self.name = name
        self.errors: list[str] = []
        self.dialogs: list[Dialog] = []
        self.shots: list[Path] = []
        self._allowed: list[re.Pattern] = []
        self._step = 0
        self.login_id: str | None = None  # who is logged in, as far as this journey knows
        context.add_init_script(CSP_LISTENER)
        context.expose_binding("__learnappCsp", lambda source, message: self._error(f"CSP: {message}", source["page"]))
        self.page: Page = context.new_page()
        self.watch(self.page)

    # -- collecting ----------------------------------------------------------------------------
    def watch(self, page: Page) -> None:
        """Collect console errors, uncaught exceptions, server errors and dialogs of `page`."""
        page.on("console", lambda msg: msg.type == "error" and self._error(
            f"console: {msg.text} [{msg.location.get('url', '')}]", page))
        page.on("pageerror", lambda exc: self._error(f"uncaught: {exc}", page))
        page.on("response", self._on_response)
        page.on("dialog", lambda dialog: self._on_dialog(dialog, page))

    def _error(self, message: str, page: Page) -> None:
        if not any(p.search(message) for p in self._allowed):
            self.errors.append(f"{message} (on {page.url})")

    def _on_response(self, response: Response) -> None:
        if response.status >= 500:
            self.errors.append(f"server error {response.status} for {response.request.method} {response.url}")

    def _on_dialog(self, dialog, page: Page) -> None:
        self.dialogs.append(Dialog(dialog.type, dialog.message, page.url))
        if dialog.type in ("confirm", "beforeunload"):
            dialog.accept()  # the site's own "are you sure?" questions (data-confirm)
        else:
            self._error(f"unexpected {dialog.type} dialog: {dialog.message}", page)
            dialog.dismiss()

    @contextmanager
    def allow_console(self, *patterns: str):
        """Console errors matching a pattern are expected inside this block (e.g. a 403 page load)."""
        compiled = [re.compile(p) for p in patterns]
        self._allowed.extend(compiled)
        try:
            yield
        finally:
            for p in compiled:
                self._allowed.remove(p)

    # -- moving ----------------------------------------------------------------------------------
    @property
    def phone(self) -> bool:
        return self.size == "phone"

    @property
    def index(self) -> int:
        """0 on the phone, 1 on the PC: picks different demo people so both sizes start afresh."""
        return 0 if self.phone else 1

    def path(self) -> str:
        url = self.page.url
        return url[len(self.server.url):] if url.startswith(self.server.url) else url

    def goto(self, path: str, step: str | None = None, status: int = 200) -> Response:
        """Open a URL of the site, expect `status` and check the page."""
        patterns = [rf"status of {status}\b"] if status >= 400 else []
        with self.allow_console(*patterns):
            response = self.page.goto(self.server.url + path if path.startswith("/") else path)
            assert response is not None, f"no response for {path}"
            assert response.status == status, f"{path}: expected {status}, got {response.status}"
            self._assert_csp(response)
            self.check(step)
        return response

    @staticmethod
    def _assert_csp(response: Response | None) -> None:
        # Without the header, "no CSP violation" would prove nothing.
        if response is not None and "text/html" in (response.headers.get("content-type") or ""):
            policy = response.headers.get("content-security-policy") or ""
            assert "script-src 'self'" in policy, f"{response.url} has no strict Content-Security-Policy: {policy!r}"

    def click(self, target, step: str | None = None) -> None:
        """Click something that loads a new page, wait for it and check it."""
        locator = self.page.locator(target) if isinstance(target, str) else target
        with self.page.expect_navigation() as navigation:
            locator.click()
        self._assert_csp(navigation.value)
        self.check(step)

    def submit(self, button, step: str | None = None) -> None:
        """Press a submit button (by locator or selector) and check the page it leads to."""
        self.click(button, step)

    def open_menu(self) -> None:
        """On the phone the menu is folded behind the Menu button; an administrator's entries are
        folded under 管理 (open in the phone's menu, a drop-down on a PC, opened here)."""
        toggle = self.page.locator(".nav-toggle")
        if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
            self.page.locator("#site-nav").wait_for(state="visible")
        admin = self.page.locator("#site-nav details.admin-menu")
        if admin.count() and admin.get_attribute("open") is None:
            admin.locator("summary").click()
            admin.locator(".admin-nav").wait_for(state="visible")

    def nav_links(self, section: str = "all") -> list[tuple[str, str]]:
        """(path, label) of the menu items shown: section 'main', 'admin' or 'all'."""
        selector = {"main": "#site-nav > ul:not(.admin-nav) a", "admin": "#site-nav .admin-nav a",
                    "all": "#site-nav ul a"}[section]
        links = self.page.eval_on_selector_all(
            selector, "els => els.map(a => [a.getAttribute('href'), a.textContent.trim()])")
        return [(href, label) for href, label in links]

    def login(self, login_id: str, password: str = DEMO_PASSWORD, step: str | None = None) -> None:
        """Log in through the login form and land on a page of the site."""
        self.goto("/login")
        self.page.fill("#login_id", login_id)
        self.page.fill("#password", password)
        self.click("main form button[type=submit]", step)
        assert "/login" not in self.path(), f"login of {login_id} failed: {self.page.inner_text('main')[:300]}"
        self.login_id = login_id

    def logout(self, step: str | None = None) -> None:
        self.open_menu()
        self.click("#site-nav form[action$='/logout'] button", step)
        assert self.path().startswith("/login"), self.path()
        self.login_id = None

    def post_with_csrf(self, url: str, data: dict[str, str] | None = None) -> int:
        """A forged POST: fetch() from the current page with the page's CSRF token; returns the status."""
        return self.page.evaluate(
            """async ([url, data]) => {
                 const token = document.querySelector('meta[name="csrf-token"]').content;
                 const body = new FormData();
                 body.append('csrf_token', token);
                 for (const [k, v] of Object.entries(data)) body.append(k, v);
                 const r = await fetch(url, {method: 'POST', body: body, headers: {'X-CSRFToken': token},
                                             redirect: 'manual'});
                 return r.status;
               }""",
            [url, data or {}],
        )

    def fetch(self, path: str, method: str = "GET") -> tuple[int, str]:
        """Request a page with this journey's cookies but without rendering it (fast, for sweeps)."""
        response = self.context.request.fetch(self.server.url + path, method=method, max_redirects=0)
        return response.status, response.text()

    def post_forms_of(self, path: str) -> tuple[list[str], list[str]]:
        """The actions of the POST forms on a page and its same-site links, read from its HTML."""
        status, html = self.fetch(path)
        assert status == 200, f"{path}: {status}"
        parser = _PostForms(path)
        parser.feed(html)
        return parser.actions, parser.links

    # -- checking ----------------------------------------------------------------------------
    def check(self, step: str | None = None) -> None:
        """The rules every page follows; with `step`, also a screenshot."""
        self.page.wait_for_load_state("load")
        self.assert_no_errors()
        problems = self.page.evaluate(A11Y_PROBLEMS)
        if problems:
            raise JourneyError(f"accessibility problems on {self.path()}:\n  " + "\n  ".join(problems))
        if self.phone:
            overflow = self.page.evaluate(OVERFLOW)
            if overflow:
                raise JourneyError(f"{self.path()} scrolls sideways at {SIZES['phone']['width']} px: {overflow}")
        if step:
            self.shot(step)

    def assert_no_errors(self) -> None:
        if self.errors:
            errors, self.errors = self.errors, []
            message = "the browser reported errors:\n  " + "\n  ".join(errors)
            if any(e.startswith("server error") for e in errors):
                message += "\n--- the server's last traceback ---\n" + self.server.last_traceback()
            raise JourneyError(message)

    def first_visit(self, path: str) -> bool:
        """True the first time any journey of the session asks about this page at this size."""
        key = (path.split("?")[0], self.size)
        if key in _PHOTOGRAPHED:
            return False
        _PHOTOGRAPHED.add(key)
        return True

    def shot(self, step: str) -> Path:
        """Write a full-page screenshot named <journey>-<size>-<NN-step>.png."""
        self._step += 1
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", step).strip("-")
        path = SCREENSHOTS / f"{self.name}-{self.size}-{self._step:02d}-{safe}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if TAKE_SCREENSHOTS:
            # The whole page, down to MAX_SHOT_HEIGHT: encoding very tall PNGs is what makes screenshots slow.
            height = min(self.page.evaluate("() => document.documentElement.scrollHeight"), MAX_SHOT_HEIGHT)
            width = SIZES[self.size]["width"]
            self.page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height},
                                 animations="disabled", caret="hide")
        self.shots.append(path)
        return path

    def text(self, selector: str = "main") -> str:
        return self.page.inner_text(selector)
