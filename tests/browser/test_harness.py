"""The harness's own checks catch what they promise to catch (a check that never fails proves nothing).

Pages here are made up by intercepting a URL of the live server's origin, served with the site's
real Content-Security-Policy header, so the browser enforces the same rules as on the real site.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright", reason="browser journeys need the playwright package (pip install -e '.[test]')")

from tests.helpers.browser.journey import SIZES, Journey, JourneyError  # noqa: E402  (needs playwright)

pytestmark = pytest.mark.browser

CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
GOOD = ('<!doctype html><html lang="zh-CN"><head><meta name="viewport" content="width=device-width">'
        "<title>t</title></head><body>{body}</body></html>")


@pytest.fixture
def fake(browser, live_server):
    """A phone-sized Journey whose /__harness__/<name> URLs serve the HTML given by the test."""
    context = browser.new_context(viewport=SIZES["phone"], is_mobile=True)
    trip = Journey(context, live_server, "phone", "harness")
    pages: dict[str, str] = {
        "boom.js": "throw new Error('boom');",
        "alert.js": "window.alert('script ran');",
    }

    def serve(route):
        name = route.request.url.rsplit("/", 1)[-1]
        kind = "application/javascript" if name.endswith(".js") else "text/html; charset=utf-8"
        route.fulfill(status=200, content_type=kind, body=pages[name], headers={"Content-Security-Policy": CSP})

    context.route("**/__harness__/*", serve)

    def open_page(name: str, body: str, html: str | None = None):
        pages[name] = html or GOOD.format(body=body)
        return trip.goto(f"/__harness__/{name}")

    trip.open_page = open_page
    yield trip
    context.close()


def test_a_clean_page_passes(fake):
    fake.open_page("clean", '<label for="q">Q</label><input id="q"><img src="data:," alt="">')


def test_inline_script_is_a_csp_violation(fake):
    with pytest.raises(JourneyError, match="(?i)content security policy|CSP"):
        fake.open_page("inline", "<p>x</p><script>document.title = 'ran';</script>")


def test_inline_style_attribute_is_a_csp_violation(fake):
    with pytest.raises(JourneyError, match="(?i)style"):
        fake.open_page("style", '<p style="color: red">x</p>')


def test_javascript_error_fails(fake):
    with pytest.raises(JourneyError, match="uncaught|console"):
        fake.open_page("error", '<script src="/__harness__/boom.js"></script>')


def test_unlabelled_field_fails(fake):
    with pytest.raises(JourneyError, match="has no label"):
        fake.open_page("unlabelled", '<input name="q">')


def test_image_without_alt_fails(fake):
    with pytest.raises(JourneyError, match="no alt"):
        fake.open_page("img", '<img src="data:,">')


def test_missing_lang_and_title_fail(fake):
    with pytest.raises(JourneyError, match="lang attribute"):
        fake.open_page("nolang", "", html="<!doctype html><html><head><title>t</title></head><body></body></html>")
    with pytest.raises(JourneyError, match="title"):
        fake.open_page("notitle", "", html='<!doctype html><html lang="en"><head></head><body></body></html>')


def test_sideways_scrolling_fails_on_the_phone(fake):
    with pytest.raises(JourneyError, match="scrolls sideways"):
        fake.open_page("wide", "<pre>" + "wide " * 200 + "</pre>")


def test_an_alert_dialog_fails(fake):
    with pytest.raises(JourneyError, match="dialog"):
        fake.open_page("alert", '<script src="/__harness__/alert.js"></script>')
