"""The test tree's rules, enforced: tests import shared code from tests/helpers/ only (never a
test module or a conftest), and every module that is not a test, a conftest or a package's
__init__ lives in tests/helpers/."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
HELPERS = TESTS / "helpers"
NOT_SHARED = {"conftest", "__init__"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(TESTS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module `source` (the text of `module`) may import, at any depth of the code."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _forbidden(name: str) -> bool:
    """A test module or a conftest of this tree."""
    parts = name.split(".")
    return parts[0] == "tests" and any(p.startswith("test_") or p == "conftest" for p in parts[1:])


def _python_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_checker_sees_every_way_to_import_a_test_module():
    sources = {
        "from tests.test_sqlite_gate import sqlite_trace": "tests.materials.test_x",
        "from tests import test_permission_matrix": "tests.test_x",
        "import tests.browser.test_learner": "tests.browser.test_x",
        "from .test_learner import ledger_total": "tests.browser.test_x",
        "from ..conftest import FreshRequestClient": "tests.accounts.test_x",
        "def f():\n    from tests.test_sessions import x": "tests.test_x",
    }
    for source, module in sources.items():
        assert any(_forbidden(n) for n in _imported(source, module)), source
    assert not any(_forbidden(n) for n in _imported("from tests.helpers import factories", "tests.test_x"))


def test_no_module_imports_a_test_module_or_a_conftest():
    offenders = []
    for path in _python_files():
        module = _module_name(path)
        imported = _imported(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
        offenders += [f"{path.relative_to(TESTS)}: {name}" for name in sorted(imported)
                      if _forbidden(name) and not _forbidden(name.rpartition(".")[0])]
    assert not offenders, "move what they share into tests/helpers/:\n" + "\n".join(offenders)


def test_shared_modules_live_in_tests_helpers():
    misplaced = [str(p.relative_to(TESTS)) for p in _python_files()
                 if p.stem not in NOT_SHARED and not p.name.startswith("test_") and HELPERS not in p.parents]
    assert not misplaced, "modules that are not tests belong in tests/helpers/: " + ", ".join(misplaced)
    collected_helpers = [str(p.relative_to(TESTS)) for p in HELPERS.rglob("test_*.py")]
    assert not collected_helpers, "tests/helpers/ holds no test modules: " + ", ".join(collected_helpers)
