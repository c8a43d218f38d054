"""Fixtures for the browser journeys: one gunicorn server and one Chromium per session.

Run only these: `make test-browser` (or `.venv/bin/python -m pytest tests/browser`).
Screenshots go to test-artifacts/screenshots/ (git-ignored). Without /usr/bin/chromium (or the
playwright package) every test here is skipped with a one-line reason.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.browser.chromium import DEFAULT_TIMEOUT_MS, skip_reason
from tests.helpers.browser.server import LiveServer

HERE = Path(__file__).resolve().parent
def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items: touch only the ones in this folder.
    reason = skip_reason()
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """learnapp under gunicorn on 127.0.0.1 with a fresh database, demo data and a movable clock."""
    server = LiveServer(workdir=tmp_path_factory.mktemp("browser-server"))
    server.prepare()
    shutil.rmtree(HERE.parents[1] / "test-artifacts" / "screenshots", ignore_errors=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(live_server):
    """The live server, with its clock put back after a test that moved it."""
    yield live_server
    live_server.clock.reset()


@pytest.fixture(scope="session")
def browser(chromium_browser):
    return chromium_browser


@pytest.fixture(params=["phone", "pc"])
def size(request) -> str:
    """Every journey runs at 390×844 (phone) and 1366×768 (PC)."""
    return request.param


@pytest.fixture
def new_context(browser, server, size):
    """Make browser contexts (separate cookie jars) at the test's size; closed after the test."""
    from tests.helpers.browser.journey import SIZES

    contexts = []

    def make(**options):
        settings = {
            "viewport": SIZES[size], "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "accept_downloads": True,
            "device_scale_factor": 1, "is_mobile": size == "phone", "has_touch": size == "phone",
        }
        settings.update(options)
        context = browser.new_context(**settings)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def journey(request, new_context, server, size):
    """A Journey (see journey.py) in a fresh browser context; fails on any error it saw."""
    from tests.helpers.browser.journey import Journey

    name = request.node.originalname.removeprefix("test_")
    trip = Journey(new_context(), server, size, name)
    yield trip
    if not getattr(request.node, "rep_call_failed", False):
        trip.assert_no_errors()


@pytest.fixture
def make_journey(new_context, server, size, request):
    """More journeys in the same test, each in its own context (another person, another device)."""
    from tests.helpers.browser.journey import Journey

    trips = []

    def make(suffix: str):
        trip = Journey(new_context(), server, size, f"{request.node.originalname.removeprefix('test_')}-{suffix}")
        trips.append(trip)
        return trip

    yield make
    if not getattr(request.node, "rep_call_failed", False):
        for trip in trips:
            trip.assert_no_errors()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Remember whether the test body failed, so teardown checks do not pile a second error on it.
    report = yield
    if report.when == "call":
        item.rep_call_failed = report.failed
    return report
