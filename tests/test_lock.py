"""requirements.lock pins every dependency pyproject.toml names, within its range."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _locked() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text()
    return {canonicalize_name(name): version for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", text, re.M)}


def test_every_dependency_is_locked_within_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]
    locked = _locked()
    missing = [str(r) for r in wanted if canonicalize_name(r.name) not in locked]
    assert not missing, f"not in requirements.lock (run `make lock`): {missing}"
    outside = [f"{r} (locked {locked[canonicalize_name(r.name)]})" for r in wanted
               if not r.specifier.contains(locked[canonicalize_name(r.name)], prereleases=True)]
    assert not outside, f"locked outside pyproject's range (run `make lock`): {outside}"


def test_every_locked_file_has_a_hash():
    text = (ROOT / "requirements.lock").read_text()
    pins = re.findall(r"^[A-Za-z0-9_.\-]+==[^\s\\]+((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})+)", text, re.M)
    assert len(pins) == len(_locked())
