"""Debian's Chromium for the browser journeys: where it is and how it starts, or why it cannot."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("LEARNAPP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DEFAULT_TIMEOUT_MS = 15_000


def skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"browser journeys need Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser journeys need the playwright package (pip install -e '.[test]')"
    return None
