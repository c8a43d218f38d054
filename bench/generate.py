"""Fill a fresh database with a committee's year: people, branches, ledger, reading, quizzes, audit.

    python -m bench.generate --people 20000 --ledger 2000000 --attempts 200000 --db URL

Deterministic from --seed (and --today, default the real local date): the same arguments give
the same rows. The schema is dropped and rebuilt from the models (`db.create_all()`), then filled
with bulk inserts (COPY on PostgreSQL). Never point it at a database you want to keep.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bench import dataset as ds
from bench import development_data as dev
from bench.bulk import BulkLoader
from learnapp.ledger import year_totals

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SQLITE = DATA_DIR / "bench-full.db"
# Big tables load faster without their secondary indexes; they are rebuilt right after.
REINDEXED = ("ledger_entries", "quiz_attempt_items", "quiz_attempts", "reading_progress")
# Sizes of `make bench` (--small): the full committee is 20,000 / 2,000,000 / 200,000.
SMALL = {"people": 2000, "ledger": 100_000, "attempts": 10_000}
FULL = {"people": 20_000, "ledger": 2_000_000, "attempts": 200_000}


def bench_app(url: str, secret: str = "bench-generator"):
    """The real app factory on the benchmark database (no test settings)."""
    from learnapp import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret})


def reset_schema(db, url: str) -> None:
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        engine.dispose()
        path = Path(engine.url.database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    db.create_all()


def _audit_entries(plan: ds.Plan, rng: random.Random):
    """A valid hash chain of administrative history (checked by `flask audit verify`)."""
    from learnapp.audit.models import AuditEntry
    from learnapp.audit.services import (  # the chain's own (keyed) digest
        GENESIS,
        KEYED,
        keyed_digest,
    )

    prev = GENESIS
    start = datetime(plan.year - 1, 1, 2, 1, 0, tzinfo=UTC)
    span = int((datetime(plan.today.year, plan.today.month, plan.today.day, tzinfo=UTC) - start).total_seconds())
    step = max(1, span // max(1, plan.audit_entries))
    actions = ["accounts.user.update", "accounts.stage.change", "ledger.activity.record", "ledger.claim.approve",
               "materials.material.update", "quizzes.quiz.publish"]
    admin_ids = ds.branch_admin_ids(plan)
    for seq in range(1, plan.audit_entries + 1):
        bid = plan.branch_ids[rng.randrange(len(plan.branch_ids))]
        entry = AuditEntry(seq=seq, at=start + timedelta(seconds=seq * step), actor_id=admin_ids[bid],
                           actor_name=f"支部书记{bid}", action=actions[seq % len(actions)], target_type="users",
                           target_id=str(plan.first_person_id + rng.randrange(plan.people)),
                           branch_path=plan.branch_paths[bid], summary="基准测试数据", details={}, prev_hash=prev,
                           scheme=KEYED)
        entry.hash = keyed_digest(entry)
        prev = entry.hash
        yield (seq, entry.at, entry.actor_id, entry.actor_name, entry.action, entry.target_type, entry.target_id,
               entry.branch_path, entry.summary, "{}", entry.prev_hash, entry.hash, seq, KEYED)


def _run(engine, statements: list[str]) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def _fill_year_totals(engine) -> int:
    """The triggers back in place and the table filled from the entries in one INSERT … SELECT (a
    covering-index scan in person order), in one transaction; returns the rows written."""
    from learnapp.ledger.models import ONLINE_VALUES

    _run(engine, year_totals.create_statements(engine.dialect.name, ONLINE_VALUES)
         + year_totals.rebuild_statements(ONLINE_VALUES))
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {year_totals.TABLE}")).scalar_one()


def _timed(log, label: str, fn):
    t0 = time.perf_counter()
    n = fn()
    log(f"  {label:<26} {n:>10,} rows  {time.perf_counter() - t0:6.1f} s")
    return n


def generate(url: str, people: int, ledger: int, attempts: int, *, seed: int = 2026, today: date | None = None,
             analyze: bool = True, log=print) -> dict:
    """Build the data set; returns the manifest the runner needs (ids, logins, sizes, timings)."""
    from learnapp import clock
    from learnapp.db import db

    app = bench_app(url)
    t_start = time.perf_counter()
    with app.app_context():
        today = today or clock.today()
        plan = ds.Plan(people=people, ledger=ledger, attempts=attempts, seed=seed, today=today)
        rng = random.Random(seed)
        reset_schema(db, url)
        meta = db.metadata
        for name in REINDEXED:
            for index in meta.tables[name].indexes:
                index.drop(db.engine)
        load = BulkLoader(db.engine, meta)
        # Per-row triggers would upsert the person's yearly totals 2,000,000 times; the loader
        # writes the entries without them and the totals are filled once, after the indexes.
        _run(db.engine, year_totals.drop_statements(db.engine.dialect.name))
        log(f"generating into {db.engine.url.render_as_string(hide_password=True)} (seed {seed}, today {today})")
        _timed(log, "branches", lambda: load.insert("branches", ds.BRANCH_COLUMNS, ds.branches(plan)))
        _timed(log, "users", lambda: load.insert("users", ds.USER_COLUMNS, ds.users(plan, rng)))
        _timed(log, "role_grants", lambda: load.insert("role_grants", ds.GRANT_COLUMNS, ds.role_grants(plan)))
        _timed(log, "stage_changes", lambda: load.insert("stage_changes", ds.STAGE_CHANGE_COLUMNS,
                                                          ds.stage_changes(plan, rng)))
        _timed(log, "contact_assignments", lambda: load.insert("contact_assignments", ds.CONTACT_COLUMNS,
                                                                ds.contacts(plan)))
        _load_development(load, plan, log)
        _timed(log, "ledger_entries", lambda: load.insert("ledger_entries", ds.LEDGER_COLUMNS,
                                                           ds.ledger_entries(plan, rng)))
        _timed(log, "materials", lambda: load.insert("materials", ds.MATERIAL_COLUMNS, ds.materials(plan, rng)))
        for table, (columns, rows) in ds.reading_list_rows(plan).items():
            load.insert(table, columns, rows)
        _timed(log, "reading_progress", lambda: load.insert("reading_progress", ds.PROGRESS_COLUMNS,
                                                             ds.reading_progress(plan, rng)))
        _load_quizzes(load, plan, rng, log)
        _timed(log, "audit_entries", lambda: load.insert("audit_entries", [
            "id", "at", "actor_id", "actor_name", "action", "target_type", "target_id", "branch_path", "summary",
            "details", "prev_hash", "hash", "seq", "scheme"], _audit_entries(plan, rng)))
        t0 = time.perf_counter()
        for name in REINDEXED:
            for index in meta.tables[name].indexes:
                index.create(db.engine)
        load.reset_sequences()
        log(f"  {'indexes':<26} {'':>10}       {time.perf_counter() - t0:6.1f} s")
        _timed(log, "ledger_year_totals", lambda: _fill_year_totals(db.engine))
        _domain_setup(app, log)
        if analyze and db.engine.dialect.name == "postgresql":
            t0 = time.perf_counter()
            # What autovacuum has done long since to a year of rows in production: statistics, and
            # the visibility map set, so index-only scans (the progress page's figures) read no
            # table pages; right after a bulk load none is set, and autovacuum would set it in the
            # middle of the measurements. SQLite is measured as production runs it: learnapp never
            # runs ANALYZE there, so its planner has no statistics.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM (ANALYZE)"))
            log(f"  {'VACUUM (ANALYZE)':<26} {'':>10}       {time.perf_counter() - t0:6.1f} s")
        db.engine.dispose()
    seconds = time.perf_counter() - t_start
    log(f"done in {seconds:.1f} s")
    return manifest(plan, url, load.counts, seconds)


# What `make run` loads from content/ before serving: the year's credit rules decide every page's
# numbers, and production has them in the database (an empty table makes pages use defaults); the
# branches' scoring schemes make the scores page compute every branch's figures; the development
# files' findings are stored as the site's own writes would have stored them (stored.py).
SETUP_COMMANDS = (["rules", "load"], ["scoring", "load"], ["development", "check", "--rebuild"])


def _domain_setup(app, log) -> None:
    runner = app.test_cli_runner()
    for args in SETUP_COMMANDS:
        if args[0] not in app.cli.list_commands(None):
            continue
        t0 = time.perf_counter()
        result = runner.invoke(args=args)
        status = "ok" if result.exit_code == 0 else f"exit {result.exit_code}: {result.output.strip()[-200:]}"
        log(f"  flask {' '.join(args):<30} {status} {time.perf_counter() - t0:6.1f} s")


# The composition fields of the register, spread over the people (the plan's categories count them).
PERSON_FIELDS = ("UPDATE users SET gender = CASE WHEN id % 2 = 0 THEN '女' ELSE '男' END, "
                 "ethnicity = CASE WHEN id % 12 = 0 THEN '回族' ELSE '汉族' END, "
                 "education = CASE WHEN id % 3 = 0 THEN '高中' ELSE '大学本科' END, "
                 "job_category = CASE WHEN id % 4 = 0 THEN '一线' ELSE '管理' END WHERE id >= :first")


def _load_development(load: BulkLoader, plan: ds.Plan, log) -> None:
    """Development files for the people in stages, the branches' plans, the thought reports and the
    contacts' quarterly assessments (bench/development_data.py)."""
    own = random.Random(plan.seed + 17)  # a stream of its own: the other tables stay as they were
    with load.engine.begin() as conn:
        conn.execute(text(PERSON_FIELDS), {"first": plan.first_person_id})
    _timed(log, "development_steps", lambda: load.insert("development_steps", dev.STEP_COLUMNS,
                                                          dev.development_steps(plan, own)))
    _timed(log, "development_plans", lambda: load.insert("development_plans", dev.PLAN_COLUMNS,
                                                          dev.development_plans(plan, own)))
    _timed(log, "thought_reports", lambda: load.insert("thought_reports", dev.REPORT_COLUMNS,
                                                        dev.thought_reports(plan, own)))
    _timed(log, "assessments", lambda: load.insert("assessments", dev.ASSESSMENT_COLUMNS,
                                                    dev.contact_assessments(plan, own, list(ds.contacts(plan)))))


def _load_quizzes(load: BulkLoader, plan: ds.Plan, rng: random.Random, log) -> None:
    at = ds.noon_utc(date(plan.year, 1, 5))
    load.insert("question_categories", ["id", "name", "parent_id", "path", "description", "sort_order", "created_at"],
                [(1, "党的基本知识", None, "/1/", "", 0, at)])
    questions, versions, keys = ds.question_rows(plan, rng)
    load.insert("questions", ds.QUESTION_COLUMNS, questions)
    load.insert("question_versions", ds.VERSION_COLUMNS, versions)
    with load.engine.begin() as conn:  # the two tables point at each other: link them once both exist
        conn.execute(text("UPDATE questions SET current_version_id = id"))
    quiz_rows, slot_rows, quiz_questions = ds.quizzes(plan)
    load.insert("quizzes", ds.QUIZ_COLUMNS, quiz_rows)
    load.insert("quiz_slots", ds.SLOT_COLUMNS, slot_rows)
    load.insert("quiz_audience_branches", ["id", "quiz_id", "branch_id"],
                [(q[0], q[0], plan.committee_id) for q in quiz_rows])
    slot_ids = {(s[1], s[4]): s[0] for s in slot_rows}
    attempt_set = ds.attempts(plan, rng, quiz_questions, keys)
    _timed(log, "quiz_attempts", lambda: load.insert("quiz_attempts", ds.ATTEMPT_COLUMNS, attempt_set.rows))
    _timed(log, "quiz_attempt_items", lambda: load.insert("quiz_attempt_items", ds.ITEM_COLUMNS,
                                                          ds.attempt_items(attempt_set, quiz_questions, keys, slot_ids)))
    _timed(log, "quiz_participants", lambda: load.insert("quiz_participants", ds.PARTICIPANT_COLUMNS,
                                                         attempt_set.participants))


def manifest(plan: ds.Plan, url: str, counts: dict[str, int], seconds: float) -> dict:
    """What the runner needs to find its way around the data, as plain JSON."""
    sizes: dict[int, int] = {}
    for bid in plan.user_branch:
        sizes[bid] = sizes.get(bid, 0) + 1
    by_size = sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "url": url, "seed": plan.seed, "today": plan.today.isoformat(), "year": plan.year,
        "sizes": {"people": plan.people, "ledger": plan.ledger, "attempts": plan.attempts},
        "rows": counts, "seconds": round(seconds, 1), "password": ds.PASSWORD,
        "committee_id": plan.committee_id, "committee_admin": "bench_cadmin", "auditor": "bench_auditor",
        "first_person_id": plan.first_person_id,
        "people_logins": [plan.person_login(i) for i in range(plan.people)],
        "people_stages": plan.user_stage,
        "people_branches": plan.user_branch,
        "largest_branch": {"id": by_size[0][0], "people": by_size[0][1], "admin": plan.branch_admin_logins[by_size[0][0]]},
        "smallest_branch": {"id": by_size[-1][0], "people": by_size[-1][1],
                            "admin": plan.branch_admin_logins[by_size[-1][0]]},
        "general_ids": plan.general_ids, "material_slugs": plan.material_slugs,
        "material_ids": list(range(1, len(plan.material_slugs) + 1)),
        "live_quiz_ids": plan.live_quiz_ids,
    }


def reset_live_state(url: str, manifest: dict) -> None:
    """Remove what a benchmark run wrote (attempts on the live quizzes, reading sessions, credit
    from heartbeats), so a rerun with --reuse starts from the generated state again."""
    from sqlalchemy import create_engine

    live = tuple(manifest["live_quiz_ids"].values())
    engine = create_engine(url)
    marks = ", ".join(str(int(q)) for q in live)
    with engine.begin() as conn:
        conn.execute(text(f"DELETE FROM quiz_attempt_items WHERE attempt_id IN "
                          f"(SELECT id FROM quiz_attempts WHERE quiz_id IN ({marks}))"))
        conn.execute(text(f"DELETE FROM quiz_attempts WHERE quiz_id IN ({marks})"))
        conn.execute(text(f"DELETE FROM quiz_participants WHERE quiz_id IN ({marks})"))
        conn.execute(text("DELETE FROM reading_sessions"))
        conn.execute(text("DELETE FROM ledger_entries WHERE id > :n"), {"n": manifest["rows"]["ledger_entries"]})
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=f"sqlite:///{DEFAULT_SQLITE}", help="SQLAlchemy URL (it is wiped!)")
    parser.add_argument("--people", type=int, default=FULL["people"])
    parser.add_argument("--ledger", type=int, default=FULL["ledger"])
    parser.add_argument("--attempts", type=int, default=FULL["attempts"])
    parser.add_argument("--small", action="store_true", help="the `make bench` size: 2,000 / 100,000 / 10,000")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--no-analyze", action="store_true", help="PostgreSQL: skip VACUUM (ANALYZE) after loading")
    parser.add_argument("--manifest", type=Path, default=None, help="write the manifest JSON here")
    args = parser.parse_args(argv)
    sizes = dict(SMALL) if args.small else {"people": args.people, "ledger": args.ledger, "attempts": args.attempts}
    if sizes["people"] < 10:
        parser.error("--people must be at least 10")
    result = generate(args.db, seed=args.seed, today=args.today, analyze=not args.no_analyze, **sizes)
    if args.manifest:
        args.manifest.parent.mkdir(parents=True, exist_ok=True)
        args.manifest.write_text(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
