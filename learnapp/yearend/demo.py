"""Demo scoring schemes: the shipped files of content/scoring/ for the years that have none loaded."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from learnapp.actors import SYSTEM
from learnapp.yearend import scoring
from learnapp.yearend.scheme import parse_scheme


def load_demo(ctx) -> None:
    folder = Path(current_app.config.get("SCORING_DIR") or Path(current_app.root_path).parent / "content" / "scoring")
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        year = parse_scheme(text).year
        if not scoring.versions(year):
            scoring.save_scheme(SYSTEM, text, source_name=path.name, expected_year=year)
