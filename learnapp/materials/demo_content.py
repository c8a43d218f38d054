"""The demo's study materials and reading lists, loaded before the other domains' demo content so
that the demo's reading lines in the ledger name real materials (learnapp.demo.DOMAIN_DEMOS)."""

from __future__ import annotations

from learnapp.materials.content import default_root, sync


def load_demo(ctx) -> None:
    root = default_root()
    if (root / "materials").is_dir():
        sync(root)
