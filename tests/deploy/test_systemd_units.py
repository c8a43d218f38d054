"""The systemd units in deploy/systemd pass `systemd-analyze verify`, and every timer starts a job
that `flask jobs` has."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
# On a development machine the site's paths do not exist; everything else must verify cleanly.
WHERE_THE_SITE_IS_NOT = re.compile(r"Command /srv/learnapp/venv/bin/\w+ is not executable")


def _jobs_of_timers() -> dict[str, str]:
    jobs = {}
    for timer in UNITS.glob("*.timer"):
        unit = re.search(r"^Unit=learnapp-job@([\w-]+)\.service$", timer.read_text(), re.M)
        assert unit, f"{timer.name} names no learnapp-job@<job>.service"
        jobs[timer.name] = unit.group(1)
    return jobs


def test_every_timer_starts_a_job_flask_jobs_has(app):
    listed = app.test_cli_runner().invoke(args=["jobs", "--help"]).output
    for timer, job in _jobs_of_timers().items():
        assert f"  {job} " in listed, (timer, job)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_the_units_verify(tmp_path):
    for unit in UNITS.iterdir():
        shutil.copy(unit, tmp_path / unit.name)
    instances = ["learnapp@8001.service"] + [f"learnapp-job@{job}.service" for job in _jobs_of_timers().values()]
    for name in instances:
        template = re.sub(r"@[^.]+\.", "@.", name)
        shutil.copy(UNITS / template, tmp_path / name)
    units = [str(tmp_path / name) for name in instances] + [str(p) for p in sorted(tmp_path.glob("*.timer"))]
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True,
                          timeout=120)
    problems = [line for line in (done.stdout + done.stderr).splitlines()
                if line.strip() and not WHERE_THE_SITE_IS_NOT.search(line)]
    assert problems == [], "\n".join(problems)
