"""A small HTTP client for the benchmark (http.client, 127.0.0.1 only) and a bounded Python load loop.

Used for logging people in, multi-step journeys (start attempt, autosave, submit) and probes that
read the `X-SQL-Statements` and `Server-Timing` headers. Plain-throughput runs use wrk (loadwrk.py)
when it is installed, because a Python client would take the CPU it is trying to measure.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HOST = "127.0.0.1"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def sql_statements(self) -> int | None:
        value = self.headers.get("x-sql-statements")
        return int(value) if value is not None else None

    @property
    def server_ms(self) -> float | None:
        match = re.search(r"app;dur=([0-9.]+)", self.headers.get("server-timing", ""))
        return float(match.group(1)) if match else None

    def json(self):
        return json.loads(self.body)


class Client:
    """One person's browser: cookies, the CSRF token of the last page, requests to one port."""

    def __init__(self, port: int, timeout: float = 120.0):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.csrf: str | None = None
        self.login_id: str | None = None

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, *, form: dict | list | None = None, json_body=None,
                headers: dict[str, str] | None = None, stream_to=None) -> Response:
        """One request on a fresh connection (gunicorn's sync workers close it after each answer)."""
        hdrs = {"Host": f"{HOST}:{self.port}", "Accept-Language": "zh-CN"}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
            hdrs["Accept"] = "application/json"
        if method != "GET" and self.csrf:
            hdrs["X-CSRFToken"] = self.csrf
        if self.cookies:
            hdrs["Cookie"] = self.cookie_header()
        hdrs.update(headers or {})
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            if stream_to is not None:
                data = b""
                while chunk := resp.read(65536):
                    stream_to(chunk)
            else:
                data = resp.read()
            elapsed = time.perf_counter() - t0
            headers_out = {k.lower(): v for k, v in resp.getheaders()}
            for name, value in resp.getheaders():
                if name.lower() == "set-cookie":
                    self._store_cookie(value)
        finally:
            conn.close()
        response = Response(resp.status, headers_out, data, elapsed)
        if "text/html" in headers_out.get("content-type", ""):
            match = CSRF_META.search(response.text) or CSRF_INPUT.search(response.text)
            if match:
                self.csrf = match.group(1)
        return response

    def _store_cookie(self, header: str) -> None:
        pair = header.split(";", 1)[0]
        name, _, value = pair.partition("=")
        if not value or "expires=thu, 01 jan 1970" in header.lower() or "max-age=0" in header.lower():
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value.strip()

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw) -> Response:
        return self.request("POST", path, **kw)

    def login(self, login_id: str, password: str) -> None:
        """Log in through the real form and land on the home page (which gives a CSRF token)."""
        self.get("/login")
        response = self.post("/login", form={"login_id": login_id, "password": password,
                                             "csrf_token": self.csrf or ""})
        if response.status != 302:
            raise RuntimeError(f"login of {login_id} failed: {response.status} {response.text[:300]}")
        home = self.get("/")
        if home.status != 200:
            raise RuntimeError(f"home page after login of {login_id}: {home.status}")
        self.login_id = login_id


def login_many(port: int, logins: list[str], password: str, threads: int = 6) -> list[Client]:
    """Log in every login ID (bounded: one pass over the list), `threads` at a time."""
    errors: list[str] = []

    def one(login_id: str) -> Client | None:
        client = Client(port)
        try:
            client.login(login_id, password)
        except Exception as exc:  # noqa: BLE001 - reported, the run decides what to do
            errors.append(str(exc))
            return None
        return client

    clients = parallel(one, logins, threads)
    if errors:
        raise RuntimeError(f"{len(errors)} logins failed, first: {errors[0]}")
    return [c for c in clients if c is not None]


def parallel(fn: Callable, items: list, threads: int = 8) -> list:
    """fn(item) for every item, `threads` at a time, results in order (set-up steps, not load)."""
    results: list = [None] * len(items)
    index = iter(range(len(items)))
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                i = next(index, None)
            if i is None:
                return
            results[i] = fn(items[i])

    pool = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results


@dataclass
class LoadResult:
    """Outcome of one bounded load run: latencies in seconds, statuses, errors."""

    tool: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0          # connection errors and timeouts
    locked: int = 0          # answers that mention "database is locked"
    server_ms: list[float] = field(default_factory=list)
    percentiles_ms: dict[str, float] = field(default_factory=dict)  # from wrk, when it ran

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float | None:
        """Latency percentile in milliseconds (nearest rank)."""
        key = f"p{p:g}"
        if key in self.percentiles_ms:
            return self.percentiles_ms[key]
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        rank = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))
        return ordered[rank] * 1000

    def failures(self, ok: Callable[[int], bool] = lambda s: s < 400) -> int:
        return self.errors + sum(n for s, n in self.statuses.items() if not ok(s))

    def summary(self) -> dict:
        return {
            "tool": self.tool, "requests": self.requests, "seconds": round(self.seconds, 2), "rps": round(self.rps, 1),
            "p50_ms": _round(self.pct(50)), "p90_ms": _round(self.pct(90)), "p99_ms": _round(self.pct(99)),
            "max_ms": _round(max(self.latencies) * 1000 if self.latencies else self.percentiles_ms.get("max")),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())}, "errors": self.errors,
            "locked": self.locked,
            "server_p50_ms": _round(_median(self.server_ms)),
        }


def _round(value):
    return None if value is None else round(value, 1)


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def python_load(port: int, make: Callable[[int], tuple[Client, str, str, dict]], *, connections: int,
                duration: float, max_requests: int) -> LoadResult:
    """Closed-loop load: `connections` threads send requests until `duration` or `max_requests`.

    `make(n)` returns (client, method, path, request kwargs) for the n-th request.
    """
    result = LoadResult(tool="python", seconds=0.0)
    lock = threading.Lock()
    counter = iter(range(max_requests))
    deadline = time.perf_counter() + duration

    def work():
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            client, method, path, kw = make(n)
            try:
                response = client.request(method, path, **kw)
            except OSError:
                with lock:
                    result.errors += 1
                continue
            with lock:
                result.latencies.append(response.seconds)
                result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
                if response.status >= 500 and b"database is locked" in response.body:
                    result.locked += 1
                if response.server_ms is not None:
                    result.server_ms.append(response.server_ms)

    t0 = time.perf_counter()
    pool = [threading.Thread(target=work, daemon=True) for _ in range(connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=duration + 180)
    result.seconds = time.perf_counter() - t0
    return result
