"""Start and stop gunicorn serving bench.wsgi:app on 127.0.0.1; read its workers' memory."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.client import HOST, Client

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with `workers` sync workers; its error log is kept to count 'database is locked'."""

    def __init__(self, url: str, workers: int, log_path: Path, *, secret: str | None = None, timeout: int = 300,
                 extra_env: dict[str, str] | None = None):
        self.url = url
        # Kept across restarts of one run, so sessions logged in once stay valid with 4 workers.
        self.secret = secret or secrets.token_hex(32)
        self.workers = workers
        self.port = free_port()
        self.log_path = log_path
        self.timeout = timeout
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        env = dict(os.environ)
        env.update({
            "LEARNAPP_DATABASE_URL": self.url,
            "LEARNAPP_SECRET_KEY": self.secret,
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        })
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [str(gunicorn), "--workers", str(self.workers), "--worker-class", "sync", "--bind", f"{HOST}:{self.port}",
             "--timeout", str(self.timeout), "--backlog", "4096", "--error-logfile", "-", "bench.wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {self.log_path}")
            try:
                if Client(self.port, timeout=2).get("/bench/hello").status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def reset_peak_memory(self) -> None:
        """Reset each worker's VmHWM (peak RSS) so the next reading covers only what follows."""
        for pid in self.worker_pids():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                pass

    def peak_memory_mb(self) -> dict[int, float]:
        """Peak resident memory (VmHWM) of each worker, in MiB."""
        peaks = {}
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[pid] = int(line.split()[1]) / 1024
            except OSError:
                continue
        return peaks

    def log_offset(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def count_in_log(self, needle: str, since: int) -> int:
        with self.log_path.open("rb") as f:
            f.seek(since)
            return f.read().decode("utf-8", "replace").count(needle)
