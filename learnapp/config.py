"""Configuration: defaults here, then instance/config.py, then LEARNAPP_* environment variables."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEV_SECRET_KEY = "dev-only-insecure-key"


class Defaults:
    """Built-in defaults; every name here may be overridden by instance/config.py or LEARNAPP_<NAME>."""

    SECRET_KEY = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in from the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    TIMEZONE = "Asia/Shanghai"
    UPLOAD_FOLDER: str | None = None  # default: <instance>/uploads
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # Uploaded spreadsheets (roster, question bank, sign-in sheets; learnapp/spreadsheets/reading.py),
    # checked before parsing: what an XLSX (a zip of XML) may unpack to, its number of parts, how
    # strongly a part over 1 MB may be compressed (zip bombs reach 1000:1, real sheets stay far below
    # 100:1), and the rows, columns and characters per cell read from any XLSX or CSV upload.
    UPLOAD_MAX_UNPACKED_BYTES = 40 * 1024 * 1024
    UPLOAD_MAX_ZIP_MEMBERS = 500
    UPLOAD_MAX_COMPRESSION_RATIO = 200
    UPLOAD_MAX_SHEET_ROWS = 20_000
    UPLOAD_MAX_SHEET_COLUMNS = 100
    UPLOAD_MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
    # Babel: Chinese first.
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ["zh_CN", "en"]
    # CSRF tokens are bound to the session, not to a clock: a long quiz must not lose its token.
    WTF_CSRF_TIME_LIMIT = None
    # Sessions: server-side epoch check + idle and absolute limits (see accounts/sessions.py).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_IDLE_MINUTES = 120
    # The cookie is signed and sent again only when the session changes (`seen_at` moves at most
    # every SESSION_SEEN_REFRESH_SECONDS, see accounts/sessions.py), not on every response: the
    # idle and absolute limits are checked on the server from the times inside the cookie, not
    # from its expiry.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_ABSOLUTE_HOURS = 12
    # How often the idle clock inside the cookie moves (moving it re-sends the cookie).
    SESSION_SEEN_REFRESH_SECONDS = 120
    # Where rate-limit counters live, shared by every worker and kept across restarts: "database"
    # (a table of the site's own database) or a Redis URL ("redis://host:6379/0"). The sign-in
    # throttle (learnapp/throttle.py) counts there; Flask-Limiter's per-route limits use the same
    # Redis when one is given, else each worker's memory (RATELIMIT_STORAGE_URI is derived from this).
    RATELIMIT_STORAGE = "database"
    RATELIMIT_KEY_PREFIX = "learnapp"
    RATELIMIT_ENABLED = True
    # Failed sign-ins allowed per login ID (from unknown devices, or per known device) and per
    # client address (unknown devices only), in the `limits` notation.
    LOGIN_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour"
    LOGIN_LIMIT_PER_ADDRESS = "30 per minute;200 per hour"
    # A device where a person signed in successfully keeps a signed cookie this long; from it the
    # owner's sign-ins are counted apart from strangers' (OWASP's device cookies).
    KNOWN_DEVICE_DAYS = 180
    # How many reverse proxies in front of the site set X-Forwarded-For / X-Forwarded-Proto
    # (Werkzeug ProxyFix). 0: the client address is the connection's, the header is ignored.
    PROXY_COUNT = 0
    # Sent when SESSION_COOKIE_SECURE is on (the site is served over HTTPS only).
    HSTS_SECONDS = 31_536_000
    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 12
    # A temporary password (new person, reset, roster import) stops working after this many hours.
    TEMPORARY_PASSWORD_HOURS = 72
    # Reading heartbeats
    HEARTBEAT_SECONDS = 30
    # Video and audio (materials/media.py, the watching rules in materials/reading/arithmetic.py):
    # the largest file accepted (streamed to disk; other forms keep MAX_CONTENT_LENGTH) and the
    # largest WebVTT subtitles file; the fastest playback whose media time counts in full (faster
    # earns clock time only), the position's jitter allowed per beat, whether muted playback of a
    # video counts (muted audio never does), and the share of the duration that earns the credit.
    MEDIA_MAX_BYTES = 2 * 1024 ** 3
    MEDIA_SUBTITLES_MAX_BYTES = 1024 * 1024
    MEDIA_MAX_RATE = 1.5
    MEDIA_POSITION_TOLERANCE_SECONDS = 2.0
    MEDIA_MUTED_COUNTS = True
    MEDIA_WATCH_SHARE = 0.9
    # A file holding a number of seconds to add to the real clock; for browser tests only.
    CLOCK_OFFSET_FILE: str | None = None
    SQLITE_BUSY_TIMEOUT_MS = 15000
    # Training contacts talk with each of their people at least this often (the home page says
    # when the next talk is due), and the largest thought report file accepted.
    CONTACTWORK_TALK_INTERVAL_DAYS = 92
    CONTACTWORK_REPORT_MAX_BYTES = 10 * 1024 * 1024
    # Audit chain key (HMAC-SHA256, audit/keys.py); kept here or in the environment, never in the
    # database. Empty: derived from SECRET_KEY (`audit verify` warns). instance_setup writes one.
    AUDIT_HMAC_KEY = ""
    # The site's address as people reach it (scheme://host[:port], no path): every absolute URL
    # the site prints (certificate verification, check-in link and QR) is built on it, never on
    # the request's Host header. Empty: http://<SERVER_NAME> when that is set, else the
    # development server's http://127.0.0.1:5000.
    EXTERNAL_URL = ""
    # Host headers accepted (others get 400). Empty: the external URL's host, SERVER_NAME,
    # localhost and 127.0.0.1. A name starting with a dot accepts its subdomains.
    TRUSTED_HOSTS: list[str] = []
    # Check-in codes: wrong codes a person may type within the window before being refused for
    # the rest of it, and wrong codes (across people) after which an activity's code is locked
    # until an admin makes a new one. QR check-in links last CHECKIN_QR_MAX_AGE_SECONDS; the
    # projector shows a fresh one every CHECKIN_QR_REFRESH_SECONDS.
    CHECKIN_PERSON_MAX_FAILURES = 10
    CHECKIN_PERSON_WINDOW_MINUTES = 15
    CHECKIN_ACTIVITY_MAX_FAILURES = 30
    CHECKIN_QR_MAX_AGE_SECONDS = 90
    CHECKIN_QR_REFRESH_SECONDS = 30
    # Logs: "text" (Flask's and gunicorn's own lines) or "json" (one JSON object per line on stderr
    # for access and application lines, each with the request id; ops/logs.py). Behind nginx the
    # request id is nginx's X-Request-ID, so one request can be followed through both logs.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    # Protected files (evidence, media, thought reports, development file attachments): after the
    # permission check, "" sends the file from learnapp itself (plain gunicorn); a path prefix
    # such as "/_protected/" answers with X-Accel-Redirect: <prefix><path under UPLOAD_FOLDER>,
    # and nginx sends the file from an `internal` location (deploy/nginx/learnapp.conf).
    ACCEL_REDIRECT = ""
    # Scheduled jobs (`flask jobs ...`): where `jobs backup` writes and how many it keeps;
    # where `jobs audit-checkpoint` writes the copy to send off the server.
    BACKUP_FOLDER: str | None = None  # default: <instance>/backups
    BACKUP_KEEP = 14
    CHECKPOINT_EXPORT_FOLDER: str | None = None  # default: <instance>/checkpoints
    # SMTP for reminders (empty: reminders are not sent)
    SMTP_HOST: str | None = None
    SMTP_PORT = 25
    MAIL_FROM = "learnapp@localhost"


def _coerce(raw: str, current: Any) -> Any:
    """Turn an environment string into the type of the default it replaces."""
    if isinstance(current, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int) and not isinstance(current, bool):
        return int(raw)
    if isinstance(current, (list, dict)):
        return json.loads(raw)
    return raw


def load_config(app, overrides: dict[str, Any] | None = None) -> None:
    """Fill app.config from defaults, instance/config.py, LEARNAPP_* variables and overrides."""
    app.config.from_object(Defaults)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    for key, raw in os.environ.items():
        if key.startswith("LEARNAPP_") and key != "LEARNAPP_TEST_DATABASE_URL":
            name = key.removeprefix("LEARNAPP_")
            app.config[name] = _coerce(raw, app.config.get(name))
    if "DATABASE_URL" in app.config and app.config["DATABASE_URL"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = Path(app.instance_path) / "learnapp.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql") and "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]:
        # PostgreSQL's JIT spends seconds compiling the year-wide aggregates of the reports and
        # gains nothing on queries this size (measured in bench/: dashboard 3.9 s → 1.8 s).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                                                   "connect_args": {"options": "-c jit=off"}}
    if uri.startswith("sqlite") and "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]:
        # Writers queue on a file lock that wakes the next one at once (see sqlite_gate.py).
        from learnapp.sqlite_gate import GatedConnection

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                                                   "connect_args": {"factory": GatedConnection}}
    storage = str(app.config.get("RATELIMIT_STORAGE") or "database")
    legacy = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
    if storage == "database" and legacy.startswith(("redis://", "rediss://")):
        storage = app.config["RATELIMIT_STORAGE"] = legacy  # the setting's former name
    app.config["RATELIMIT_STORAGE_URI"] = storage if storage.startswith(("redis://", "rediss://")) else "memory://"
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    _external_url_and_hosts(app.config)


DEVELOPMENT_EXTERNAL_URL = "http://127.0.0.1:5000"


def _external_url_and_hosts(config) -> None:
    """EXTERNAL_URL filled in, and TRUSTED_HOSTS as Flask checks it (a list: other hosts get 400)."""
    external = (config.get("EXTERNAL_URL") or "").strip().rstrip("/")
    if not external:
        server_name = config.get("SERVER_NAME")
        external = f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{server_name}" if server_name else DEVELOPMENT_EXTERNAL_URL
    parts = urlsplit(external)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(f"EXTERNAL_URL must be http(s)://host[:port] without a path, not {external!r}")
    config["EXTERNAL_URL"] = f"{parts.scheme}://{parts.netloc}"
    hosts = config.get("TRUSTED_HOSTS") or []
    if isinstance(hosts, str):
        hosts = [h.strip() for h in hosts.split(",") if h.strip()]
    if not hosts:
        hosts = ["localhost", "127.0.0.1"]
        if config.get("SERVER_NAME"):
            hosts.append(config["SERVER_NAME"].rsplit(":", 1)[0])
    config["TRUSTED_HOSTS"] = list(dict.fromkeys([*hosts, parts.hostname]))


class InsecureSecretKey(RuntimeError):
    """Raised when the app would run in production with the development secret key."""


def check_secret_key(app) -> None:
    """Refuse to start outside debug/testing with the built-in development key."""
    if app.debug or app.testing:
        return
    if app.config.get("SECRET_KEY") in (None, "", DEV_SECRET_KEY):
        raise InsecureSecretKey(
            "learnapp 拒绝在生产模式下使用开发密钥启动 / refusing to start with the development "
            "secret key. Set one, e.g.: export LEARNAPP_SECRET_KEY=$(python -c "
            "'import secrets; print(secrets.token_hex(32))') or SECRET_KEY in instance/config.py."
        )
