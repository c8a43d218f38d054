"""The benchmark's app behind nginx: N gunicorn instances (bench.server.Server each) round robin
behind deploy/nginx/learnapp.conf (as the deployment test runs it, tests/deploy/site.py), for
issue 20's "measured" part: `python -m bench.run --postgres --reuse --proxy 2`.

It looks like one Server to the scenarios: `port` is nginx's, `workers` the workers of one
instance, the instances write one shared log (so counting "database is locked" works unchanged),
and memory is read from every instance's workers. Settings as DEPLOY.md: LEARNAPP_PROXY_COUNT=1,
Redis for the rate limits when it answers (recorded in the results).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bench.client import Client
from bench.server import Server, free_port
from tests.helpers.deploy_site import (
    NGINX,
    REDIS_URL,
    SITE_CONF,
    main_config,
    redis_reachable,
    site_config,
)

ROOT = Path(__file__).resolve().parent.parent


class ProxiedServers:
    """`instances` × Server(workers) behind one nginx on 127.0.0.1."""

    def __init__(self, url: str, workers: int, log_path: Path, *, secret: str, instances: int = 2, timeout: int = 300):
        if not NGINX.exists():
            raise RuntimeError(f"--proxy needs nginx at {NGINX} (apt-get install nginx)")
        self.redis = redis_reachable()
        extra = {"LEARNAPP_PROXY_COUNT": "1"}
        if self.redis:
            extra["LEARNAPP_RATELIMIT_STORAGE"] = REDIS_URL
        self.servers = [Server(url, workers, log_path, secret=secret, timeout=timeout, extra_env=extra)
                        for _ in range(instances)]
        self.workers = workers
        self.instances = instances
        self.log_path = log_path
        self.port = free_port()
        self._workdir: Path | None = None
        self._nginx: subprocess.Popen | None = None

    def __enter__(self) -> ProxiedServers:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        for server in self.servers:
            server.start()
        self._workdir = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        uploads = self._workdir / "uploads"
        uploads.mkdir()
        site = site_config(SITE_CONF.read_text(encoding="utf-8"), ports=[s.port for s in self.servers],
                           listen=self.port, static=ROOT / "learnapp" / "static", uploads=uploads, logs=self._workdir)
        conf = self._workdir / "nginx.conf"
        # One nginx worker per core, as on a real site (the test's config uses one).
        conf.write_text(main_config(site, self._workdir).replace("worker_processes 1;", "worker_processes auto;"),
                        encoding="utf-8")
        self._nginx = subprocess.Popen([str(NGINX), "-c", str(conf), "-p", str(self._workdir)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._nginx.poll() is not None:
                break
            try:
                if Client(self.port, timeout=2).get("/bench/hello").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"nginx did not answer; see {self._workdir}/nginx-error.log")

    def stop(self) -> None:
        if self._nginx is not None and self._nginx.poll() is None:
            os.killpg(self._nginx.pid, signal.SIGTERM)
            self._nginx.wait(timeout=10)
        self._nginx = None
        for server in self.servers:
            server.stop()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def worker_pids(self) -> list[int]:
        return [pid for server in self.servers for pid in server.worker_pids()]

    def reset_peak_memory(self) -> None:
        for server in self.servers:
            server.reset_peak_memory()

    def peak_memory_mb(self) -> dict[int, float]:
        return {pid: mb for server in self.servers for pid, mb in server.peak_memory_mb().items()}

    def log_offset(self) -> int:
        return self.servers[0].log_offset()

    def count_in_log(self, needle: str, since: int) -> int:
        return self.servers[0].count_in_log(needle, since)
