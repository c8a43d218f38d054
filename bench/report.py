"""Render bench/results/*.json into bench/RESULTS.md: machine, date, each figure beside its target."""

from __future__ import annotations

import json
from pathlib import Path

from bench.targets import TARGETS

HEADER = """# learnapp benchmark results

Produced by `python -m bench.run` (see bench/README.md); do not edit by hand: every run rewrites
this file from `bench/results/*.json`. Throughput is requests per second with {conn} concurrent
connections to gunicorn ({workers} sync workers) on 127.0.0.1; latencies are client-side; "server"
is time inside Flask (`Server-Timing`); "floor" is `/bench/one-query` (one query + a small
template) on the same server in the same run.
"""


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:,.1f}"
    return f"{value}{unit}"


def _pct(value) -> str:
    return "–" if value is None else f"{value:.0%}"


def _met(flag) -> str:
    if flag is None:
        return "not measured"
    return "**met**" if flag else "**NOT met**"


def _row(target: str, figure: str, met) -> str:
    return f"| {target} | {figure} | {_met(met)} |"


def render_one(r: dict) -> str:
    sc = r["scenarios"]
    m = r["machine"]
    lines = [
        f"## {r['backend']} — {r['label']} ({r['sizes']['people']:,} people, {r['sizes']['ledger']:,} ledger entries, "
        f"{r['sizes']['attempts']:,} attempts)",
        "",
        f"- date: {r['date']}; machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}, "
        f"SQLite {m['sqlite']}" + (f", PostgreSQL {m['postgresql']}" if m.get("postgresql") else ""),
        f"- load: {r['load_tool']}, {r['duration_s']} s per run, {r['connections']} connections, {r['workers']} workers; "
        f"data generated in {r['generate_seconds']} s; whole run {r.get('total_seconds')} s; load average "
        f"before/after {'/'.join(r.get('load_average_start', [])[:1])} / {'/'.join(r.get('load_average_end', [])[:1])}"
        + "".join(f"; rerun {x['date']}: {', '.join(x['only'])}" for x in r.get("reruns", [])),
        "",
    ]
    fl = sc.get("floor", {})
    hello, one = fl.get("hello", {}), fl.get("one_query", {})
    lines += [
        "| floor | req/s | p50 ms | p99 ms |", "|---|---|---|---|",
        f"| /bench/hello | {_fmt(hello.get('rps'))} | {_fmt(hello.get('p50_ms'))} | {_fmt(hello.get('p99_ms'))} |",
        f"| /bench/one-query | {_fmt(one.get('rps'))} | {_fmt(one.get('p50_ms'))} | {_fmt(one.get('p99_ms'))} |",
        "",
        "| target | measured | result |", "|---|---|---|",
    ]
    for key in ("heartbeat", *[k for k in sc if k.startswith("heartbeat_")]):
        h = sc.get(key)
        if not h:
            continue
        if "rps" not in h:
            lines.append(_row(f"heartbeat: {TARGETS['heartbeat'].text}", h.get("note", h.get("status", "")), None))
            continue
        lines.append(_row(
            f"heartbeat ({h['workers']} workers): {TARGETS['heartbeat'].text}",
            f"{_fmt(h['rps'])} req/s = {_pct(h['floor_ratio'])} of floor ({_fmt(h.get('floor_rps'))}) ({h['accepted']:,} credited, "
            f"{h.get('refused', 0):,} refused as too soon); p50 {_fmt(h['p50_ms'])} ms, p99 {_fmt(h['p99_ms'])} ms; "
            f"errors {h['error_count']}, locked {h['locked']}", h.get("met")))
    for key in ("progress", "material"):
        p = sc.get(key)
        if not p:
            continue
        if "rps" not in p:
            lines.append(_row(f"{key} page: {TARGETS[key].text}", p.get("note", p.get("status", "")), None))
            continue
        lines.append(_row(f"{key} page: {TARGETS[key].text}",
                          f"{_fmt(p['rps'])} req/s = {_pct(p['floor_ratio'])} of floor ({_fmt(p.get('floor_rps'))}); p50 {_fmt(p['p50_ms'])} ms, "
                          f"p99 {_fmt(p['p99_ms'])} ms; statuses {p['statuses']}; server {_fmt(p['probe_heavy']['server_ms'])} ms",
                          p.get("met")))
    def measured(key: str, label: str, marker: str, describe) -> None:
        """A row for scenario `key`: its figures when it ran (`marker` present), else its note."""
        r = sc.get(key)
        if r:
            lines.append(_row(label, describe(r), r.get("met")) if marker in r else _row(label, r.get("note", ""), None))

    def dashboard_row(d):
        ca = d["committee_admin"]
        ledger = (f"(summing the ledger entries instead: {_fmt(max(d['ledger_sql'].values()))} ms); "
                  if d.get("ledger_sql") else "")
        return (f"server {_fmt(ca['server_ms'])} ms (wall {_fmt(ca['wall_ms'])} ms), its bare SQL "
                f"{_fmt(d['bare_sql']['median_ms'])} ms → {_fmt(d['ratio_to_bare_sql'])}×"
                + ("" if d.get("ratio_applies", True) else " (the 2× is set for 20,000 people and 2,000,000 entries)")
                + f"; {ca['sql']} statements; "
                f"{ledger}status {ca['status']}")

    measured("dashboard", f"committee dashboard: {TARGETS['dashboard'].text}", "bare_sql", dashboard_row)
    measured("drilldown", "branch drill-down: < 300 ms server time", "largest", lambda dd: (
        f"{dd['largest']['people']} people: {_fmt(dd['largest']['server_ms'])} ms, "
        f"{dd['largest']['sql']} statements; {dd['smallest']['people']} people: "
        f"{_fmt(dd['smallest']['server_ms'])} ms, {dd['smallest']['sql']} statements"))
    measured("export", f"XLSX export of all people: {TARGETS['export'].text}", "seconds", lambda e: (
        f"{e['seconds']} s, {e['bytes'] / 1e6:.1f} MB file, peak worker {_fmt(e['peak_worker_mb'])} MB, "
        f"{e['sql']} statements, streamed: {e['streamed']}, status {e['status']}"))
    measured("devreports", f"development reports: {TARGETS['devreports'].text}", "pages", lambda d: "; ".join(
        f"{name} {_fmt(p['committee']['server_ms'])} ms, {p['committee']['sql']} statements "
        f"(one branch: {p['smallest_branch']['sql']})" + (" — grows with the people" if p["grows"] else "")
        if "committee" in p else f"{name}: {p.get('note', '')}" for name, p in d["pages"].items()))
    measured("yearend_export", f"year-end files: {TARGETS['yearend_export'].text}", "files", lambda d: "; ".join(
        f"{fmt} {f['seconds']} s, {f['bytes'] / 1e3:.0f} kB, {f['sql']} statements, status {f['status']}"
        if "seconds" in f else f"{fmt}: {f.get('note', '')}" for fmt, f in d["files"].items()))
    measured("storm", f"start-attempt storm: {TARGETS['storm'].text}", "learners", lambda s: (
        f"{s['learners']:,} learners + {s['double_clicks']} double clicks in {s['window_s']:.0f} s: "
        f"p50 {_fmt(s['p50_ms'])} ms, p99 {_fmt(s['p99_ms'])} ms; statuses {s['statuses']}; "
        f"exactly one open attempt: {s['exactly_one_open']:,}/{s['learners']:,}"))
    measured("autosave", "quiz autosave and submit: 0 errors (no numeric target)", "autosave", lambda a: (
        f"autosave {_fmt(a['autosave']['rps'])} req/s = {_pct(a['autosave'].get('floor_ratio'))} of floor, "
        f"p99 {_fmt(a['autosave']['p99_ms'])} ms {a['autosave']['statuses']}; submit ({a['attempts']} × "
        f"{a['questions_per_attempt']} questions) p50 {_fmt(a['submit']['p50_ms'])} ms, "
        f"p99 {_fmt(a['submit']['p99_ms'])} ms {a['submit']['statuses']}"))
    q = sc.get("sql")
    if q and "pages" in q:
        detail = ", ".join(f"{n} {p['heavy']}/{p['light']}" for n, p in q["pages"].items())
        extra = []
        for key, label in (("dashboard", "dashboard"), ("export", "export")):
            v = sc.get(key, {})
            n = v.get("committee_admin", {}).get("sql") if key == "dashboard" else v.get("sql")
            if n is not None:
                extra.append(f"{label} {n}")
        dd = sc.get("drilldown") or {}
        if "largest" in dd:
            extra.append(f"drill-down {dd['largest']['sql']}/{dd['smallest']['sql']}")
        lines.append(_row(f"SQL statements per page: {TARGETS['sql'].text}",
                          f"heavy/light subject: {detail}" + ("; " + ", ".join(extra) if extra else "")
                          + (f"; grows with data: {', '.join(q['grows_with_data'])}" if q["grows_with_data"] else ""),
                          q.get("met")))
    peaks = r.get("peak_worker_mb") or {}
    lines += ["", "Peak memory per worker over the whole run (VmHWM): "
              + (", ".join(f"{v} MB" for v in peaks.values()) or "–"), ""]
    return "\n".join(lines)


def write(results_dir: Path, target: Path) -> None:
    runs = [json.loads(p.read_text()) for p in sorted(results_dir.glob("*.json"))]
    order = {"full": 0, "small": 2}
    runs.sort(key=lambda r: (order.get(r["label"], 1), r["backend"] != "sqlite"))
    conn = runs[0]["connections"] if runs else 20
    workers = runs[0]["workers"] if runs else 2
    notes_path = results_dir.parent / "RESULTS-notes.md"
    notes = notes_path.read_text() if notes_path.exists() else ""
    body = HEADER.format(conn=conn, workers=workers) + "\n" + "\n".join(render_one(r) for r in runs)
    target.write_text(body + ("\n" + notes if notes else ""))
