"""The deployment of deploy/ on loopback: nginx (deploy/nginx/learnapp.conf, with this machine's
ports and folders) in front of two gunicorn instances, with Redis for the rate limits and the
test database (PostgreSQL in CI's PostgreSQL pass, a SQLite file otherwise).

The instances are prepared like the browser journeys' server (tests/helpers/browser/server.py: the
project's own CLI, demo data, the movable clock) and configured as DEPLOY.md says:
LEARNAPP_PROXY_COUNT=1, LEARNAPP_RATELIMIT_STORAGE=redis://…, LEARNAPP_ACCEL_REDIRECT, JSON logs.
nginx connects to the instances from 127.0.0.3 (`proxy_bind`), so the app sees the proxy at an
address different from the browser's 127.0.0.1, and the audit log shows which one it believed.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.browser.server import BIN, ROOT, LiveServer, _die_with_parent, free_port

NGINX = Path(shutil.which("nginx") or "/usr/sbin/nginx")
SITE_CONF = ROOT / "deploy" / "nginx" / "learnapp.conf"
PROXY_ADDRESS = "127.0.0.3"  # nginx's side of its connections to the app servers
PROTECTED_PREFIX = "/_protected/"
REDIS_URL = os.environ.get("LEARNAPP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable(url: str = REDIS_URL) -> bool:
    try:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


def site_config(text: str, *, ports: list[int], listen: int, static: Path, uploads: Path, logs: Path) -> str:
    """deploy/nginx/learnapp.conf for loopback: our upstream ports, plain HTTP on `listen` instead
    of TLS, our folders, and nginx connecting from PROXY_ADDRESS. Everything else as shipped."""
    upstream = "".join(f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n" for port in ports)
    text = re.sub(r"(    server 127\.0\.0\.1:\d+[^;]*;\n)+", upstream, text, count=1)
    text = re.sub(r"server \{\n    listen 80;.*?\n\}\n", "", text, count=1, flags=re.S)
    text = text.replace("    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{listen};\n")
    text = re.sub(r"    listen \[::\]:443 ssl http2;\n|    ssl_[^\n]*\n", "", text)
    text = text.replace("/srv/learnapp/app/learnapp/static/", f"{static}/")
    text = text.replace("/srv/learnapp/uploads/", f"{uploads}/")
    text = text.replace("/var/log/nginx/", f"{logs}/")
    text = text.replace("    client_max_body_size", f"    proxy_bind {PROXY_ADDRESS};\n    client_max_body_size", 1)
    for needed in ("internal;", "immutable", "gzip on", "X-Forwarded-For", "X-Request-ID", f"listen 127.0.0.1:{listen}"):
        assert needed in text, f"the site for the test lost {needed!r}"
    return text


def main_config(site: str, workdir: Path) -> str:
    temp = workdir / "nginx-temp"
    temp.mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's 0700 folders
    return (f"{user}worker_processes 1;\ndaemon off;\npid {workdir}/nginx.pid;\nerror_log {workdir}/nginx-error.log warn;\n"
            "events { worker_connections 512; }\n"
            "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
            "    sendfile on;\n    access_log off;\n"
            + "".join(f"    {kind}_temp_path {temp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
            + site + "}\n")


@dataclass
class Instance:
    port: int
    log_path: Path
    process: subprocess.Popen | None = None


@dataclass
class NginxSite(LiveServer):
    """LiveServer's preparation, then two gunicorn instances and nginx; `url` is nginx's."""

    instances: list[Instance] = field(default_factory=list)
    nginx_port: int = 0
    key_prefix: str = ""
    _nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    @property
    def access_log(self) -> Path:
        return self.workdir / "learnapp.access.log"

    @property
    def uploads(self) -> Path:
        return self.workdir / "uploads"

    def _database_url(self) -> str:
        test_url = os.environ.get("LEARNAPP_TEST_DATABASE_URL", "")
        if not test_url.startswith("postgresql"):
            return f"sqlite:///{self.database_path}"
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(test_url)
        name = f"{url.database}_nginx"
        admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        return url.set(database=name).render_as_string(hide_password=False)

    def prepare(self) -> None:
        super().prepare()
        self.key_prefix = f"learnapp-test-{secrets.token_hex(4)}"
        self.env.update({
            "LEARNAPP_PROXY_COUNT": "1",
            "LEARNAPP_RATELIMIT_STORAGE": REDIS_URL,
            "LEARNAPP_RATELIMIT_KEY_PREFIX": self.key_prefix,
            "LEARNAPP_RATELIMIT_ENABLED": "true",
            "LEARNAPP_ACCEL_REDIRECT": PROTECTED_PREFIX,
            "LEARNAPP_LOG_FORMAT": "json",
        })

    def start(self) -> None:
        self.nginx_port = free_port()
        self.env["LEARNAPP_EXTERNAL_URL"] = self.url
        self.instances = [Instance(free_port(), self.workdir / f"gunicorn-{i}.log") for i in (1, 2)]
        for instance in self.instances:
            log = instance.log_path.open("ab")
            instance.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{instance.port}", "--workers", "2", "--threads", "4",
                 "--worker-class", "gthread", "--graceful-timeout", "2", "--preload", "--error-logfile", "-",
                 "learnapp:create_app()"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
            log.close()
        site = site_config(SITE_CONF.read_text(encoding="utf-8"), ports=[i.port for i in self.instances],
                           listen=self.nginx_port, static=ROOT / "learnapp" / "static", uploads=self.uploads,
                           logs=self.workdir)
        conf = self.workdir / "nginx.conf"
        conf.write_text(main_config(site, self.workdir), encoding="utf-8")
        check = subprocess.run([str(NGINX), "-t", "-c", str(conf), "-p", str(self.workdir)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx refuses the site:\n{check.stderr}\n{site}")
        nginx_log = (self.workdir / "nginx-stdout.log").open("ab")
        self._nginx = subprocess.Popen([str(NGINX), "-c", str(conf), "-p", str(self.workdir)], stdout=nginx_log,
                                       stderr=subprocess.STDOUT, start_new_session=True,
                                       preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        nginx_log.close()
        for instance in self.instances:
            self._wait(f"http://127.0.0.1:{instance.port}/healthz", instance.process)
        self._wait(f"{self.url}/healthz", self._nginx)

    def _wait(self, url: str, process: subprocess.Popen) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)  # poll interval, bounded by the deadline
        self.stop()
        raise RuntimeError(f"{url} did not answer 200; logs:\n{self.log_tail()}")

    def stop(self) -> None:
        processes = [self._nginx, *[i.process for i in self.instances]]
        self._nginx = None
        for instance in self.instances:
            instance.process = None
        for process in processes:
            if process is None or process.poll() is not None:
                continue
            os.killpg(process.pid, 15)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait(timeout=5)

    def log_tail(self, lines: int = 40) -> str:
        parts = []
        for path in [*(i.log_path for i in self.instances), self.workdir / "nginx-error.log"]:
            try:
                parts.append(f"--- {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:]))
            except OSError:
                pass
        return "\n".join(parts)

    def last_traceback(self, max_lines: int = 40) -> str:
        return self.log_tail(max_lines)
