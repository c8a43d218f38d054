"""Create instance/config.py with a random secret key on first run (used by `make run`)."""

from __future__ import annotations

import secrets
from pathlib import Path

INSTANCE = Path(__file__).resolve().parent.parent / "instance"


def main() -> None:
    INSTANCE.mkdir(exist_ok=True)
    config = INSTANCE / "config.py"
    if config.exists():
        return
    config.write_text(
        "# Written by `make run` on first start. Settings here override learnapp/config.py;\n"
        "# LEARNAPP_* environment variables override this file.\n"
        f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
    )
    print(f"created {config} with a new secret key")


if __name__ == "__main__":
    main()
