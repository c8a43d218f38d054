"""Rules of the code's structure that a test keeps: views read through their domain's functions
(queries.py or a named module, scoped by the actor there), never by building or running SQL inline."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import learnapp

ROOT = Path(learnapp.__file__).resolve().parent
# Building or running a statement. `db.session.get(Model, id)` (one object by its id) and
# `security.get_or_404(...)` are fine in a view.
INLINE_QUERY = re.compile(r"\bselect\(|db\.session\.(execute|scalar|scalars)\(|\.query\.|db\.paginate\(")


def _view_modules(app) -> set[Path]:
    """Every module that declares a route, and every module named for views."""
    paths = {Path(inspect.getsourcefile(inspect.unwrap(view))).resolve() for view in app.view_functions.values()}
    paths |= set(ROOT.rglob("*views*.py"))
    return {p for p in paths if p.is_relative_to(ROOT)}


def _inline_queries(path: Path) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.lstrip().startswith("#") and INLINE_QUERY.search(line):
            found.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}")
    return found


def test_views_run_no_inline_queries(app):
    modules = _view_modules(app)
    assert len(modules) > 40  # every domain's route modules were found
    problems = []
    for path in sorted(modules):
        problems.extend(_inline_queries(path))
    assert not problems, ("Views read through their domain's queries (a function named for what it answers, "
                          "scoped by the actor), not inline SQL:\n" + "\n".join(problems))

