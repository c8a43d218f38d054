"""Demo content: the shipped question bank in content/question-banks/ (GIFT files, 60+ questions).

Idempotent: questions already in the bank (same fingerprint) are left alone, so a second
`flask demo load` adds nothing and writes no audit entry.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from learnapp.bank import formats, importing


def bank_dir() -> Path:
    """Where the committee's shipped question files live."""
    return Path(current_app.root_path).parent / "content" / "question-banks"


def load_demo(ctx) -> None:
    """Import every shipped question file into the committee's bank, as the demo admin."""
    for path in sorted(bank_dir().glob("*")):
        data = path.read_bytes()
        fmt = formats.detect(path.name, data)
        if fmt is None:
            continue
        result = formats.parse(data, fmt)
        plan = importing.plan(result)
        if not plan.ok:
            raise RuntimeError(f"{path.name}: {plan.errors[:3]}")
        if all(item.is_duplicate for item in plan.items):
            continue
        importing.run(ctx.admin, formats.parse(data, fmt), filename=path.name, fmt=fmt)
