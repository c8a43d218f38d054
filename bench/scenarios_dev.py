"""The development reports of issue 17: plan against actual, the compliance report, the year-end
page and the branches' scores (server time < 300 ms) and the year-end XLSX and Word files (< 5 s),
with their statements.

Each page is read by the committee admin over the whole committee (every file of the data set)
and again for the smallest branch: a page whose statements grow with the people in scope shows
more statements for the committee than for the branch.
"""

from __future__ import annotations

import time

from bench import targets
from bench.scenarios import Context, _missing, probe

PAGES = ("plan", "compliance", "yearend", "scores")
PAGE_MS = 300
EXPORT_S = 5


def _grows(whole: dict, part: dict) -> bool:
    # A section shown only when there is data may add a statement or two; more is one per row.
    return (whole.get("sql") or 0) > (part.get("sql") or 0) + 2


def dev_reports(ctx: Context) -> dict:
    admin = ctx.admins["committee_admin"]
    year = ctx.manifest["year"]
    small = ctx.manifest["smallest_branch"]["id"]
    out: dict = {"pages": {}}
    for name in PAGES:
        path = ctx.page(name, year=year)
        if path is None:
            out["pages"][name] = _missing(name)
            continue
        joiner = "&" if "?" in path else "?"
        whole = probe(admin, path, repeat=5)
        part = probe(admin, f"{path}{joiner}branch={small}", repeat=1)
        out["pages"][name] = {"committee": whole, "smallest_branch": part, "grows": _grows(whole, part),
                              "met": bool(whole["status"] == 200 and (whole["server_ms"] or 1e9) < PAGE_MS
                                          and (whole["sql"] or 0) <= targets.SQL_CAP and not _grows(whole, part))}
        ctx.log(f"  {name}: {whole['server_ms']} ms server, {whole['sql']} statements "
                f"(smallest branch {part['server_ms']} ms, {part['sql']} statements)")
    measured = [p for p in out["pages"].values() if "committee" in p]
    out["met"] = bool(measured) and len(measured) == len(PAGES) and all(p["met"] for p in measured)
    return out


def yearend_exports(ctx: Context) -> dict:
    admin = ctx.admins["committee_admin"]
    out: dict = {"files": {}}
    for fmt, magic in (("xlsx", b"PK\x03\x04"), ("docx", b"PK\x03\x04")):
        path = ctx.page("yearend_export", fmt=fmt, year=ctx.manifest["year"])
        if path is None:
            out["files"][fmt] = _missing("yearend_export")
            continue
        t0 = time.perf_counter()
        response = admin.get(path)
        seconds = time.perf_counter() - t0
        ok = response.status == 200 and response.body[:4] == magic
        out["files"][fmt] = {"path": path, "status": response.status, "seconds": round(seconds, 2),
                             "server_ms": response.server_ms, "bytes": len(response.body), "sql": response.sql_statements,
                             "met": bool(ok and seconds < EXPORT_S and (response.sql_statements or 0) <= targets.SQL_CAP)}
        ctx.log(f"  year-end {fmt}: {response.status} {len(response.body) / 1e3:.0f} kB in {seconds:.2f} s, "
                f"sql {response.sql_statements}")
    files = out["files"].values()
    out["met"] = len(out["files"]) == 2 and all(f.get("met") for f in files)
    return out
