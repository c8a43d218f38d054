"""Run the issue-8 benchmark: generate data, serve it with gunicorn, measure, write RESULTS.md.

    python -m bench.run --small                      # `make bench`: SQLite, 2,000 people, ~2 min
    python -m bench.run                                             # full size on SQLite (bench/data/bench-full.db)
    python -m bench.run --db postgresql+psycopg://postgres@127.0.0.1:5432/bench   # full on PostgreSQL

The database given is wiped and regenerated (unless --reuse). Results go to
bench/results/<backend>-<size>.json and every results file is rendered into bench/RESULTS.md.
Needs wrk for throughput runs (`apt-get install -y wrk`); without it a Python load loop is used
and the results say so.
"""

from __future__ import annotations

import argparse
import json
import secrets
import signal
import sys
import time
from pathlib import Path

from bench import generate as gen
from bench import loadwrk, pgdb, report, scenarios, scenarios_dev, sessions
from bench.client import Client, login_many
from bench.server import Server

HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
ALL = ["floor", "sql", "progress", "material", "heartbeat", "autosave", "dashboard", "drilldown", "export",
       "devreports", "yearend_export", "storm", "heartbeat4"]


def _backend(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--db", default=None, help="SQLAlchemy URL; default SQLite bench/data/bench-<size>.db (wiped!)")
    p.add_argument("--postgres", action="store_true", help=f"shortcut for --db {POSTGRES_URL}")
    p.add_argument("--small", action="store_true", help="2,000 people / 100,000 entries / 10,000 attempts; 5 s runs")
    p.add_argument("--people", type=int, default=gen.FULL["people"])
    p.add_argument("--ledger", type=int, default=gen.FULL["ledger"])
    p.add_argument("--attempts", type=int, default=gen.FULL["attempts"])
    p.add_argument("--reuse", action="store_true", help="do not regenerate: reuse the last data set of this backend")
    p.add_argument("--duration", type=int, default=None, help="seconds per throughput run (default 10; 5 with --small)")
    p.add_argument("--connections", type=int, default=20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--lock-workers", type=int, default=4, help="workers of the second heartbeat run (SQLite locking)")
    p.add_argument("--learners", type=int, default=None, help="people signed in for the learner pages and the heartbeat (default: everyone)")
    p.add_argument("--storm", type=int, default=None, help="learners in the start-attempt storm (2,000; 1,000 small)")
    p.add_argument("--only", default=",".join(ALL), help="comma-separated subset of: " + ", ".join(ALL))
    p.add_argument("--url", action="append", default=[], metavar="NAME=/path",
                   help="page URL override, e.g. dashboard=/reports/ (placeholders {branch_id} {slug} {year})")
    p.add_argument("--no-wrk", action="store_true", help="use the Python load loop even when wrk is installed")
    p.add_argument("--label", default=None, help="results file label (default: small or full)")
    p.add_argument("--proxy", type=int, default=0, metavar="N",
                   help="serve through nginx (deploy/nginx/learnapp.conf) in front of N app instances of --workers each")
    return p.parse_args(argv)


def machine() -> dict:
    import platform
    import sqlite3

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem_kb = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    import os

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version}


def _pg_version(url: str) -> str | None:
    if not url.startswith("postgresql"):
        return None
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar()
    engine.dispose()
    return version


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A terminated run still stops its gunicorn (the `with Server` blocks clean up on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = dict(gen.SMALL) if args.small else {"people": args.people, "ledger": args.ledger,
                                                 "attempts": args.attempts}
    label = args.label or ("small" if args.small else ("full" if sizes == gen.FULL else
                                                       f"{sizes['people']}p-{sizes['ledger']}l"))
    data_label = label
    if args.proxy and not args.label:
        label = f"{label}-nginx{args.proxy}"  # its own results file; the data set stays the size's
    # One SQLite file and one manifest per size: `make bench` must never replace the full data set.
    default_sqlite = gen.DEFAULT_SQLITE.with_name(f"bench-{data_label}.db")
    url = POSTGRES_URL if args.postgres else (args.db or f"sqlite:///{default_sqlite}")
    backend = _backend(url)
    if backend == "postgresql":
        try:
            if pgdb.ensure_database(url):
                print(f"created the PostgreSQL database {url.rsplit('/', 1)[-1]}", file=sys.stderr)
        except pgdb.DatabaseUnavailable as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 2
    # --small keeps `make bench` under 2 minutes on a quiet 2-core machine.
    duration = args.duration or (4 if args.small else 10)
    storm_size = args.storm or (1000 if args.small else 2000)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    overrides = dict(item.split("=", 1) for item in args.url)
    use_wrk = loadwrk.available() and not args.no_wrk
    if not use_wrk and not args.no_wrk:
        print(loadwrk.INSTALL_HINT, file=sys.stderr)
    manifest_path = gen.DATA_DIR / f"manifest-{backend}-{data_label}.json"
    t_start = time.perf_counter()

    if args.reuse and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest["url"] != url or manifest["sizes"] != sizes:
            sys.exit(f"--reuse: {manifest_path} describes {manifest['sizes']} in {manifest['url']}, not this run")
        gen.reset_live_state(url, manifest)
        print(f"reusing the data set of {manifest_path} (rows written by earlier runs removed)")
    else:
        manifest = gen.generate(url, **sizes)
        manifest_path.parent.mkdir(parents=True, exist_ok=True)
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False))

    secret = secrets.token_hex(32)
    app = gen.bench_app(url, secret)
    results: dict = {"label": label, "backend": backend, "url": url.split("@")[-1], "date": time.strftime("%Y-%m-%d %H:%M %Z"),
                     "machine": {**machine(), "postgresql": _pg_version(url)}, "sizes": manifest["sizes"],
                     "generate_seconds": manifest["seconds"], "rows": manifest["rows"],
                     "load_tool": "wrk" if use_wrk else "python", "duration_s": duration,
                     "connections": args.connections, "workers": args.workers, "scenarios": {},
                     "load_average_start": Path("/proc/loadavg").read_text().split()[:3]}
    log_path = gen.DATA_DIR / f"gunicorn-{backend}.log"
    log_path.unlink(missing_ok=True)
    # Everyone by default: the heartbeat needs about floor × 50 % × 30 s readers so that each beats
    # every 30 s as the real page does (fewer readers beat sooner and are refused as too soon).
    n_learners = min(len(manifest["people_logins"]), args.learners or len(manifest["people_logins"]))
    if args.proxy:
        from bench.proxy import ProxiedServers

        serving = ProxiedServers(url, args.workers, log_path, secret=secret, instances=args.proxy)
        results["proxy"] = {"nginx_instances": args.proxy, "redis": serving.redis}
    else:
        serving = Server(url, args.workers, log_path, secret=secret)
    with serving as server:
        t0 = time.perf_counter()
        people = manifest["people_logins"]
        # Heavy readers come first in the data (the generator skews toward low indices).
        logins = people[:n_learners - 1] + [people[-1]]
        # A sample logs in through the real form (proving that path); the rest get the same cookie.
        sample = min(20, len(logins))
        learners = login_many(server.port, logins[:sample], manifest["password"])
        learners += sessions.forge(gen.bench_app(url, secret), url, server.port, logins[sample:])
        admins = {}
        for role, login_id in (("committee_admin", manifest["committee_admin"]), ("auditor", manifest["auditor"]),
                               ("branch_admin", manifest["largest_branch"]["admin"])):
            admins[role] = Client(server.port)
            admins[role].login(login_id, manifest["password"])
        results["login_seconds"] = round(time.perf_counter() - t0, 1)
        print(f"logged in {len(learners)} learners and {len(admins)} admins in {results['login_seconds']} s "
              f"({server.workers} workers on port {server.port}, load by {results['load_tool']})")
        ctx = scenarios.Context(app=app, url=url, manifest=manifest, server=server, duration=duration,
                                connections=args.connections, overrides=overrides, learners=learners, admins=admins,
                                use_wrk=use_wrk)
        sc = results["scenarios"]
        sc["floor"] = scenarios.floor(ctx)
        steps = [
            ("sql", lambda: scenarios.sql_per_page(ctx)),
            ("progress", lambda: scenarios.learner_page(ctx, "progress")),
            ("material", lambda: scenarios.learner_page(ctx, "material")),
            ("heartbeat", lambda: scenarios.heartbeat(ctx, server.workers)),
            ("autosave", lambda: scenarios.autosave_submit(ctx)),
            ("dashboard", lambda: scenarios.dashboard(ctx)),
            ("drilldown", lambda: scenarios.drilldown(ctx)),
            ("export", lambda: scenarios.export(ctx)),
            ("devreports", lambda: scenarios_dev.dev_reports(ctx)),
            ("yearend_export", lambda: scenarios_dev.yearend_exports(ctx)),
            ("storm", lambda: scenarios.storm(ctx, min(storm_size, len(learners)))),
        ]
        for name, step in steps:
            if name in only:
                sc[name] = _guarded(name, step)
        results["peak_worker_mb"] = {str(k): round(v, 1) for k, v in server.peak_memory_mb().items()}
    if "heartbeat4" in only:
        with Server(url, args.lock_workers, log_path, secret=secret) as server:
            ctx.server = server
            for client in [*learners, *admins.values()]:
                client.port = server.port
            sc[f"heartbeat_{args.lock_workers}w"] = _guarded("heartbeat4", lambda: scenarios.heartbeat(
                ctx, server.workers))
    results["load_average_end"] = Path("/proc/loadavg").read_text().split()[:3]
    results["total_seconds"] = round(time.perf_counter() - t_start, 1)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"{backend}-{label}.json"
    if set(only) != set(ALL) and out.exists():
        # A partial rerun (--only) refreshes its rows in the earlier results of the same size.
        earlier = json.loads(out.read_text())
        earlier["scenarios"].update({k: v for k, v in results["scenarios"].items() if k != "floor" or "floor" in only})
        earlier.setdefault("reruns", []).append({"date": results["date"], "only": only,
                                                  "load_average": results["load_average_end"]})
        results = earlier
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    report.write(RESULTS_DIR, HERE / "RESULTS.md")
    print(f"results: {out.relative_to(HERE.parent)} and bench/RESULTS.md ({results['total_seconds']} s in all)")
    return 0


def _guarded(name: str, step):
    """One failing measurement must not lose the others: record its error and go on."""
    try:
        return step()
    except Exception as exc:  # noqa: BLE001 - reported in the results table
        print(f"  {name}: FAILED {type(exc).__name__}: {exc}", file=sys.stderr)
        return {"status": "failed", "note": f"{type(exc).__name__}: {str(exc)[:300]}"}


if __name__ == "__main__":
    sys.exit(main())
