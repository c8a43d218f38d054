"""Debian's Chromium for the browser journeys: where it is and how it starts, or why it cannot."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("LEARNAPP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# A Chinese user's browser: Chromium draws a native date field (its order, separators and the empty
# field's 年/月/日) in its own interface language, which on Linux follows LANGUAGE and needs Debian's
# chromium-l10n (locales/zh-CN.pak); the contexts' locale (zh-CN) sets only navigator.language,
# Intl and Accept-Language. Without the pak, the Blink feature below at least lays date fields out in
# the page's own lang (year first).
CHROMIUM_ARGS += ["--lang=zh-CN", "--enable-blink-features=LangAttributeAwareFormControlUI"]
DEFAULT_TIMEOUT_MS = 15_000


def chromium_env() -> dict[str, str]:
    """The browser's environment: this one, with the interface language set to Chinese."""
    return {**os.environ, "LANGUAGE": "zh_CN"}


def skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"browser journeys need Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser journeys need the playwright package (pip install -e '.[test]')"
    return None
