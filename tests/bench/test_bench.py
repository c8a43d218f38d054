"""The benchmark's own parts: generator (deterministic, valid data), bench app instrumentation,
load-result arithmetic and the results table. Runs on a tiny data set in a temporary database."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import create_engine, text

from bench import generate, report
from bench.client import LoadResult, Response

TINY = {"people": 40, "ledger": 2000, "attempts": 100}


@pytest.fixture(scope="module")
def tiny_url(tmp_path_factory):
    url = os.environ.get("LEARNAPP_BENCH_TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('bench') / 'b.db'}"
    return url


@pytest.fixture(scope="module")
def tiny(tiny_url):
    from datetime import date

    manifest = generate.generate(tiny_url, **TINY, seed=7, today=date(2026, 6, 15), log=lambda *_: None)
    return tiny_url, manifest


def _scalar(url, sql, **params):
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar()
    engine.dispose()
    return value


def test_generator_writes_the_sizes_asked_for(tiny):
    url, manifest = tiny
    assert manifest["rows"]["ledger_entries"] == TINY["ledger"]
    assert manifest["rows"]["quiz_attempts"] == TINY["attempts"]
    assert _scalar(url, "SELECT COUNT(*) FROM users WHERE login_id LIKE 'p%'") == TINY["people"]
    assert _scalar(url, "SELECT COUNT(*) FROM ledger_entries") == TINY["ledger"]
    # Nothing dated after "today", and both training years are present.
    assert _scalar(url, "SELECT COUNT(*) FROM ledger_entries WHERE occurred_on > '2026-06-15'") == 0
    assert _scalar(url, "SELECT COUNT(DISTINCT year) FROM ledger_entries") == 2
    # Credit is integer hundredths; every attempt of the history is graded, none open.
    assert _scalar(url, "SELECT COUNT(*) FROM quiz_attempts WHERE state <> 'graded'") == 0


def test_generator_is_deterministic(tiny, tmp_path):
    from datetime import date

    url, manifest = tiny
    other = f"sqlite:///{tmp_path / 'again.db'}"
    again = generate.generate(other, **TINY, seed=7, today=date(2026, 6, 15), log=lambda *_: None)
    assert again["people_logins"] == manifest["people_logins"]
    assert again["largest_branch"] == manifest["largest_branch"]
    sql = "SELECT SUM(credit_hundredths * user_id) FROM ledger_entries"
    assert _scalar(other, sql) == _scalar(url, sql)
    # The generated chain (domain set-up commands may append entries of their own after it).
    last = "SELECT hash FROM audit_entries WHERE seq = 5000"
    assert _scalar(other, last) is not None
    assert _scalar(other, last) == _scalar(url, last)


def test_generated_data_is_valid_for_the_app(tiny):
    """The audit chain verifies, people can log in, sequences continue after generated ids."""
    url, manifest = tiny
    from learnapp.audit import verify_chain
    from learnapp.db import db

    app = generate.bench_app(url)
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    with app.app_context():
        assert verify_chain().ok
        client = app.test_client()
        response = client.post("/login", data={"login_id": manifest["people_logins"][0], "password": "bench2026"})
        assert response.status_code == 302
        from learnapp.org.models import Branch

        db.session.add(Branch(name="新支部", kind="branch", parent_id=1, path="/1/x/"))
        db.session.flush()  # an id the generator did not use: no clash with generated rows
        db.session.rollback()
        db.engine.dispose()


def test_development_files_lead_to_each_persons_stage(tiny):
    """Everyone in a stage has a file whose steps lead there, none dated after today; plans exist."""
    url, manifest = tiny
    from learnapp.accounts.models import User
    from learnapp.db import db
    from learnapp.development.history import derive_stage

    app = generate.bench_app(url)
    with app.app_context():
        people = db.session.query(User).filter(User.login_id.like("p%")).all()
        in_stages = [p for p in people if p.stage.value != "full_member"]
        assert in_stages
        for person in in_stages:
            assert derive_stage(person) == person.stage, person.login_id
        for person in people:
            if person.stage.value == "full_member" and person.development_steps:
                assert derive_stage(person) == person.stage, person.login_id
        db.session.rollback()
        db.engine.dispose()
    assert _scalar(url, "SELECT COUNT(*) FROM development_steps WHERE done_on > '2026-06-15'") == 0
    assert _scalar(url, "SELECT COUNT(*) FROM thought_reports") > 0
    assert _scalar(url, "SELECT COUNT(*) FROM assessments WHERE created_at > '2026-06-16'") == 0
    assert _scalar(url, "SELECT COUNT(*) FROM development_plans WHERE year = 2026") == _scalar(
        url, "SELECT COUNT(*) FROM branches WHERE kind = 'branch'")


def test_bench_app_reports_sql_statements_and_server_time(tiny, monkeypatch):
    url, _ = tiny
    monkeypatch.setenv("LEARNAPP_DATABASE_URL", url)
    monkeypatch.setenv("LEARNAPP_SECRET_KEY", "bench-test")
    from bench.wsgi import instrument
    from learnapp import create_app

    app = instrument(create_app())
    client = app.test_client()
    hello = client.get("/bench/hello")
    assert hello.status_code == 200 and hello.data == b"hello"
    assert hello.headers["X-SQL-Statements"] == "0"
    page = client.get("/bench/one-query")
    assert page.status_code == 200
    assert int(page.headers["X-SQL-Statements"]) >= 1
    assert page.headers["Server-Timing"].startswith("app;dur=")


def test_production_app_has_no_bench_routes(app):
    assert not [r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/bench")]
    response = app.test_client().get("/")
    assert "X-SQL-Statements" not in response.headers


def test_load_result_percentiles_and_failures():
    result = LoadResult(tool="python", seconds=2.0, latencies=[i / 1000 for i in range(1, 101)],
                        statuses={200: 98, 409: 1, 500: 1})
    assert result.rps == 50.0
    assert result.pct(50) == pytest.approx(50.0)
    assert result.pct(99) == pytest.approx(99.0)
    assert result.failures() == 2
    assert result.failures(lambda s: s < 400 or s == 409) == 1


def test_response_reads_the_bench_headers():
    r = Response(200, {"x-sql-statements": "7", "server-timing": "app;dur=12.5"}, b"", 0.01)
    assert r.sql_statements == 7 and r.server_ms == 12.5


def test_results_table_shows_each_target_with_its_verdict(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    run = {
        "label": "small", "backend": "sqlite", "date": "2026-11-28", "sizes": {"people": 10, "ledger": 20, "attempts": 5},
        "machine": {"cpu": "cpu", "cores": 2, "memory_gb": 4, "python": "3.11", "sqlite": "3.40"},
        "load_tool": "wrk", "duration_s": 5, "connections": 20, "workers": 2, "generate_seconds": 1,
        "scenarios": {
            "floor": {"hello": {"rps": 1000.0}, "one_query": {"rps": 500.0}},
            "progress": {"rps": 200.0, "floor_ratio": 0.4, "p50_ms": 50.0, "p99_ms": 90.0, "statuses": {"200": 10},
                         "probe_heavy": {"server_ms": 5.0}, "met": True},
            "export": {"status": "not measured", "note": "no export page yet"},
        },
    }
    (results / "sqlite-small.json").write_text(json.dumps(run))
    out = tmp_path / "RESULTS.md"
    report.write(results, out)
    body = out.read_text()
    assert "| /bench/one-query | 500.0 |" in body
    assert "40% of floor" in body and "**met**" in body
    assert "no export page yet | not measured |" in body


def test_the_dashboards_ratio_target_is_judged_at_the_committees_size():
    from bench.scenarios import dashboard_verdict

    full, small = {"people": 20_000, "ledger": 2_000_000}, {"people": 2_000, "ledger": 100_000}
    assert dashboard_verdict(200, 180.0, 1.4, full) == (True, True)
    assert dashboard_verdict(200, 180.0, 2.4, full) == (True, False)
    assert dashboard_verdict(200, 320.0, 1.4, full) == (True, False)
    assert dashboard_verdict(500, 180.0, 1.4, full) == (True, False)
    assert dashboard_verdict(200, 16.0, 2.4, small) == (False, True)  # the page's fixed cost, not the SQL
    assert dashboard_verdict(200, 320.0, 2.4, small) == (False, False)
