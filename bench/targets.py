"""Where each measured page lives in the app, and the targets of issue 8.

Domains are built in parallel with the benchmark, so each page is looked up by a list of
candidate endpoint names (the first that exists wins); `--url NAME=/path` overrides any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.routing import BuildError

# page name -> candidate endpoints (tried in order) and the URL parameters they take
CANDIDATES: dict[str, list[str]] = {
    "progress": ["ledger.my_progress", "ledger.progress", "ledger.my_record", "ledger.mine", "ledger.my_ledger",
                 "ledger.index", "ledger.me"],
    "material": ["materials.read"],
    "reading_list": ["materials.my_reading"],
    "home": ["home.index"],
    "dashboard": ["reports.dashboard", "reports.committee", "reports.overview", "reports.index"],
    "drilldown": ["reports.branch", "reports.branch_detail", "reports.drilldown", "reports.branch_report"],
    "export": ["reports.export", "reports.export_xlsx", "people.export"],
    "heartbeat": ["materials.api_heartbeat"],
    "reading_start": ["materials.api_start"],
    "quiz_start": ["quizzes.start"],
    "quiz_save": ["quizzes.save"],
    "quiz_submit": ["quizzes.submit"],
    "plan": ["planning.index"],
    "compliance": ["development.compliance_report"],
    "yearend": ["yearend.index"],
    "yearend_export": ["yearend.export"],
    "scores": ["yearend.scores"],
}

# Statements a page may issue whatever the data size (issue 8: "a fixed number").
SQL_CAP = 40


@dataclass(frozen=True)
class Target:
    key: str
    text: str


TARGETS = {
    "heartbeat": Target("heartbeat", "≥ 50 % of one-query floor rps; 0 errors; 0 'database is locked' (2 and 4 workers)"),
    "progress": Target("progress", "≥ 35 % of one-query floor rps; p99 < 100 ms at 20 connections"),
    "material": Target("material", "≥ 35 % of one-query floor rps; p99 < 100 ms at 20 connections"),
    "dashboard": Target("dashboard", "< 300 ms server time; ≤ 2 × the bare SQL it needs"),
    "export": Target("export", "< 5 s and < 300 MB peak worker memory"),
    "storm": Target("storm", "all 2,000 starts succeed; p99 < 1 s; exactly one open attempt each"),
    "devreports": Target("devreports", "plan against actual, compliance report, year-end page, branch scores (whole "
                                       "committee): "
                                       f"< 300 ms server time each, ≤ {SQL_CAP} statements, as many as for one branch"),
    "yearend_export": Target("yearend_export", "year-end XLSX and Word document of the whole committee: < 5 s each"),
    "sql": Target("sql", f"no page issues more than a fixed number of statements (≤ {SQL_CAP}) whatever the data size"),
}


def build(app, name: str, overrides: dict[str, str], **params) -> str | None:
    """The URL of a page, or None when no candidate endpoint exists yet."""
    if name in overrides:
        url = overrides[name]
        for key, value in params.items():
            url = url.replace("{" + key + "}", str(value))
        return url
    rules = {rule.endpoint for rule in app.url_map.iter_rules()}
    with app.test_request_context():
        from flask import url_for

        for endpoint in CANDIDATES.get(name, []):
            if endpoint not in rules:
                continue
            for attempt in (params, {}):
                try:
                    return url_for(endpoint, **attempt)
                except BuildError:
                    continue
    return None


def endpoint_of(app, name: str) -> str | None:
    rules = {rule.endpoint for rule in app.url_map.iter_rules()}
    return next((e for e in CANDIDATES.get(name, []) if e in rules), None)
