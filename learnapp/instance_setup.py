"""Create instance/config.py with a random secret key and audit key on first run (used by `make
run`); an existing file without an audit key gets one added.

The file holds the keys, so only its owner may read it (mode 0600), from the moment it exists: it
is created with that mode, not chmod-ed after being written. An existing file that others can read
is narrowed to 0600.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

INSTANCE = Path(__file__).resolve().parent.parent / "instance"

AUDIT_KEY_NOTE = (
    "# Keys the audit chain (HMAC) and signs its checkpoints. Keep it secret and keep a copy with\n"
    "# the checkpoint copies: without it the log cannot be verified; changing it breaks the chain.\n"
)


def _write_private(path: Path, text: str, *, create: bool) -> None:
    """Write `path` readable by its owner only (created with mode 0600 when new)."""
    flags = os.O_WRONLY | (os.O_CREAT | os.O_EXCL if create else os.O_TRUNC)
    descriptor = os.open(path, flags, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def main(instance: Path | None = None) -> None:
    instance = instance or INSTANCE
    instance.mkdir(exist_ok=True)
    config = instance / "config.py"
    if not config.exists():
        _write_private(config, (
            "# Written by `make run` on first start. Settings here override learnapp/config.py;\n"
            "# LEARNAPP_* environment variables override this file.\n"
            f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
            f"{AUDIT_KEY_NOTE}AUDIT_HMAC_KEY = {secrets.token_hex(32)!r}\n"
        ), create=True)
        print(f"created {config} with a new secret key and audit key (mode 0600)")
        return
    if stat.S_IMODE(config.stat().st_mode) & 0o077:
        config.chmod(0o600)
        print(f"{config}: readable by others, now mode 0600")
    text = config.read_text()
    if "AUDIT_HMAC_KEY" not in text:
        _write_private(config, text.rstrip("\n") + f"\n{AUDIT_KEY_NOTE}AUDIT_HMAC_KEY = {secrets.token_hex(32)!r}\n",
                       create=False)
        print(f"added an audit key to {config}")


if __name__ == "__main__":
    main()
