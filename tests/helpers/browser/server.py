"""A real learnapp under gunicorn for the browser journeys: fresh SQLite database, demo data, movable clock.

One server per test session. It is configured only through LEARNAPP_* environment variables, the way
an operator would run it, and prepared with the same CLI commands `make run` uses.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "demo2026"
START_TIMEOUT_S = 40
# One line of `flask demo load`: "  {role:<18} {login_id:<10} {branch}".
DEMO_LINE = re.compile(r"^  (?P<role>[a-z][a-z ]{17}) (?P<login>\S+) +(?P<branch>\S.*)$")


def _die_with_parent() -> None:
    """In the child before exec: on Linux, get SIGTERM when pytest dies, so no server is left behind."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class DemoLogin:
    role: str  # "committee admin", "branch admin", "training contact", "learner", "auditor"
    login_id: str
    branch: str


@dataclass
class ServerClock:
    """Moves the server's clock by writing the offset file that learnapp.clock reads on every call."""

    path: Path
    offset_s: float = 0.0

    def __post_init__(self) -> None:
        self._write()

    def advance(self, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> None:
        """Move the server's 'now' forward (or back with negative values)."""
        self.offset_s += days * 86400 + hours * 3600 + minutes * 60 + seconds
        self._write()

    def reset(self) -> None:
        self.offset_s = 0.0
        self._write()

    def _write(self) -> None:
        # Write then rename, so the server never reads a half-written number.
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(f"{self.offset_s:.3f}\n")
        tmp.replace(self.path)


@dataclass
class LiveServer:
    """A learnapp served by gunicorn on 127.0.0.1, with its own database, uploads and clock."""

    workdir: Path
    port: int = 0
    env: dict[str, str] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    commands: set[str] = field(default_factory=set)
    routes: list[tuple[str, str, str]] = field(default_factory=list)  # (endpoint, methods, rule)
    outputs: dict[str, str] = field(default_factory=dict)  # output of each preparing command
    clock: ServerClock | None = None
    _process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_path(self) -> Path:
        return self.workdir / "learnapp.db"

    @property
    def log_path(self) -> Path:
        return self.workdir / "gunicorn.log"

    def _database_url(self) -> str:
        """SQLite in the work folder; on CI's PostgreSQL pass, a database of the server's own.

        The unit tests keep `LEARNAPP_TEST_DATABASE_URL` for themselves, so the server gets a
        fresh sibling database `<name>_browser` on the same PostgreSQL.
        """
        test_url = os.environ.get("LEARNAPP_TEST_DATABASE_URL", "")
        if not test_url.startswith("postgresql"):
            return f"sqlite:///{self.database_path}"
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        url = make_url(test_url)
        name = f"{url.database}_browser"
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return url.set(database=name).render_as_string(hide_password=False)

    # -- preparing ---------------------------------------------------------------------------
    def prepare(self) -> None:
        """Create the schema and load rules, content and demo data with the project's CLI."""
        uploads = self.workdir / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        self.clock = ServerClock(self.workdir / "clock-offset")
        self.env = {
            **os.environ,
            "LEARNAPP_SECRET_KEY": secrets.token_hex(32),
            "LEARNAPP_AUDIT_HMAC_KEY": secrets.token_hex(32),
            "LEARNAPP_DATABASE_URL": self._database_url(),
            "LEARNAPP_UPLOAD_FOLDER": str(uploads),
            "LEARNAPP_CLOCK_OFFSET_FILE": str(self.clock.path),
            "LEARNAPP_RATELIMIT_ENABLED": "false",
            # The demo creates ~60 accounts; a cheap hash keeps the session start short.
            "LEARNAPP_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
        self.env.pop("LEARNAPP_TEST_DATABASE_URL", None)
        done = self._run([sys.executable, "-m", "tests.helpers.browser.prepare_server"])
        prepared = json.loads(done.stdout.strip().splitlines()[-1])
        self.commands = set(prepared["commands"])
        self.outputs = prepared["outputs"]
        self.routes = [tuple(route) for route in prepared["routes"]]
        self.logins = parse_demo_logins(self.outputs.get("demo load", ""))

    def flask(self, *args: str, check: bool = True) -> str:
        """Run `flask --app learnapp ARGS` against this server's database; returns its output."""
        done = self._run([str(BIN / "flask"), "--app", "learnapp", *args], check=check)
        return done.stdout + done.stderr

    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(argv, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300)
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[1:])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def login_for(self, role: str, index: int = 0) -> str:
        """The demo login ID of the index-th person printed for `role` by `flask demo load`."""
        matches = [entry.login_id for entry in self.logins if entry.role == role]
        if len(matches) <= index:
            raise LookupError(f"the demo printed no {role!r} number {index}: {self.logins}")
        return matches[index]

    # -- running -----------------------------------------------------------------------------
    def start(self) -> None:
        """Start gunicorn on a free port and wait (bounded) until it answers."""
        for _attempt in range(3):  # another process may grab the free port before gunicorn does
            self.port = free_port()
            log = self.log_path.open("ab")
            self._process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "4",
                 "--worker-class", "gthread", "--graceful-timeout", "2", "--preload", "--access-logfile", "-",
                 "learnapp:create_app()"],
                # Printed links (certificates, check-in QR) point where the browser reaches the server.
                cwd=ROOT, env={**self.env, "LEARNAPP_EXTERNAL_URL": self.url}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
            log.close()
            if self._wait_until_up():
                return
            self.stop()
        raise RuntimeError(f"gunicorn did not start; log:\n{self.log_tail()}")

    def _wait_until_up(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/login", timeout=2) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)  # poll interval, bounded by the deadline above
        return False

    def stop(self) -> None:
        """Stop gunicorn (its master and workers: the process group it was started in)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def last_traceback(self, max_lines: int = 40) -> str:
        """The last Python traceback the server logged (its tail), or the log's tail."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        starts = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
        if not starts:
            return "\n".join(lines[-max_lines:])
        block = [line for line in lines[starts[-1]:] if '" 500 ' not in line and "HTTP/1.1" not in line]
        return "\n".join(block[:3] + ["  ..."] + block[-(max_lines - 4):] if len(block) > max_lines else block)


def parse_demo_logins(output: str) -> list[DemoLogin]:
    """The logins printed by `flask demo load`, in order."""
    result = []
    started = False
    for line in output.splitlines():
        if line.startswith("Demo data ready"):
            started = True
            continue
        match = DEMO_LINE.match(line) if started else None
        if match:
            result.append(DemoLogin(match["role"].strip(), match["login"], match["branch"].strip()))
    return result
