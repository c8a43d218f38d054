"""Create instance/config.py with a random secret key and audit key on first run (used by `make
run`); an existing file without an audit key gets one added."""

from __future__ import annotations

import secrets
from pathlib import Path

INSTANCE = Path(__file__).resolve().parent.parent / "instance"

AUDIT_KEY_NOTE = (
    "# Keys the audit chain (HMAC) and signs its checkpoints. Keep it secret and keep a copy with\n"
    "# the checkpoint copies: without it the log cannot be verified; changing it breaks the chain.\n"
)


def main(instance: Path = INSTANCE) -> None:
    instance.mkdir(exist_ok=True)
    config = instance / "config.py"
    if not config.exists():
        config.write_text(
            "# Written by `make run` on first start. Settings here override learnapp/config.py;\n"
            "# LEARNAPP_* environment variables override this file.\n"
            f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
            f"{AUDIT_KEY_NOTE}AUDIT_HMAC_KEY = {secrets.token_hex(32)!r}\n"
        )
        print(f"created {config} with a new secret key and audit key")
        return
    text = config.read_text()
    if "AUDIT_HMAC_KEY" not in text:
        config.write_text(text.rstrip("\n") + f"\n{AUDIT_KEY_NOTE}AUDIT_HMAC_KEY = {secrets.token_hex(32)!r}\n")
        print(f"added an audit key to {config}")


if __name__ == "__main__":
    main()
