"""Create instance/config.py with a random secret key on first run (used by `make run`).

The file holds the secret key, so only its owner may read it (mode 0600), from the moment it
exists: it is created with that mode, not chmod-ed after being written. An existing file that
others can read is narrowed to 0600.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

INSTANCE = Path(__file__).resolve().parent.parent / "instance"


def main() -> None:
    INSTANCE.mkdir(exist_ok=True)
    config = INSTANCE / "config.py"
    if config.exists():
        if stat.S_IMODE(config.stat().st_mode) & 0o077:
            config.chmod(0o600)
            print(f"{config}: readable by others, now mode 0600")
        return
    text = (
        "# Written by `make run` on first start. Settings here override learnapp/config.py;\n"
        "# LEARNAPP_* environment variables override this file.\n"
        f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
    )
    descriptor = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"created {config} with a new secret key (mode 0600)")


if __name__ == "__main__":
    main()
