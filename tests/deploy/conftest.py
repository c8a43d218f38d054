"""Fixtures of the deployment test: the nginx site (site.py) and one Chromium, both per module.

Skipped with a reason where nginx is not installed (apt-get install nginx; .ci/run installs it),
and where the browser journeys themselves cannot run (Chromium, Playwright) or Redis does not
answer at LEARNAPP_TEST_REDIS_URL (apt-get install redis-server).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.browser.chromium import DEFAULT_TIMEOUT_MS
from tests.helpers.browser.chromium import skip_reason as browser_skip_reason
from tests.helpers.deploy_site import NGINX, REDIS_URL, NginxSite, redis_reachable

HERE = Path(__file__).resolve().parent


def _skip_reason() -> str | None:
    if not NGINX.exists():
        return f"the deployment test needs nginx at {NGINX} (apt-get install nginx)"
    reason = browser_skip_reason()
    if reason:
        return reason
    if not redis_reachable():
        return f"the deployment test needs Redis at {REDIS_URL} (apt-get install redis-server)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = None
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            reason = reason or _skip_reason() or ""
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """nginx on 127.0.0.1 in front of two learnapp instances sharing the database, Redis and uploads."""
    site = NginxSite(workdir=tmp_path_factory.mktemp("nginx-site"))
    site.prepare()
    site.start()
    yield site
    site.stop()


@pytest.fixture(scope="module")
def chromium(chromium_browser):
    return chromium_browser


@pytest.fixture
def new_journey(chromium, site, request):
    """Journeys (tests/helpers/browser/journey.py) through nginx, each in its own browser context."""
    from tests.helpers.browser.journey import SIZES, Journey

    contexts, trips = [], []

    def make(suffix: str):
        context = chromium.new_context(viewport=SIZES["pc"], locale="zh-CN", timezone_id="Asia/Shanghai",
                                       accept_downloads=True)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        trip = Journey(context, site, "pc", f"nginx-{request.node.name}-{suffix}")
        trips.append(trip)
        return trip

    yield make
    failed = getattr(request.node, "rep_call_failed", False)
    for trip in trips:
        if not failed:
            trip.assert_no_errors()
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call_failed = report.failed
    return report
