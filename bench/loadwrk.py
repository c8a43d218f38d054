"""Throughput runs with wrk (Debian package `wrk`) on 127.0.0.1, bounded by duration.

Requests are prepared in Python (one line per person and URL, with that person's cookie and CSRF
token) and rotated by bench/rotate.lua, so 20 connections act as many different people.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.client import HOST, LoadResult

LUA = Path(__file__).resolve().parent / "rotate.lua"
INSTALL_HINT = ("wrk is not installed; throughput runs fall back to a Python load generator, which competes "
                "with the server for the 2 cores and understates the floor. Install it with:\n"
                "    sudo apt-get install -y wrk      (Debian/Ubuntu package, 4.1)")


def available() -> bool:
    return shutil.which("wrk") is not None


def request_line(method: str, path: str, body: str = "", headers: dict[str, str] | None = None) -> str:
    for part in (path, body, *(headers or {}).values()):
        if "\t" in part or "\n" in part:
            raise ValueError("requests for wrk may not contain tabs or new lines")
    fields = [method, path, body] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    return "\t".join(fields)


def run(port: int, lines: list[str], *, connections: int, duration: int, timeout: int = 10) -> LoadResult:
    """Run wrk with one thread for `duration` seconds; returns statuses, rps and percentiles."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        path = f.name
    try:
        proc = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout}s", "-s", str(LUA),
             f"http://{HOST}:{port}", "--", path],
            capture_output=True, text=True, timeout=duration + 60, check=False,
        )
    finally:
        Path(path).unlink(missing_ok=True)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr[-500:] or proc.stdout[-500:]}")
    data = json.loads(line.removeprefix("WRKJSON "))
    result = LoadResult(tool="wrk", seconds=data["duration_us"] / 1e6)
    result.statuses = {int(k): v for k, v in data["statuses"].items()}
    errors = data["errors"]
    result.errors = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
    result.percentiles_ms = {"p50": data["p50_us"] / 1000, "p90": data["p90_us"] / 1000,
                             "p99": data["p99_us"] / 1000, "max": data["max_us"] / 1000}
    return result
