"""Benchmark of the reports at committee scale: 20,000 people, 2,000,000 ledger entries.

    .venv/bin/python -m bench.reports                       # full size, SQLite file in /tmp
    .venv/bin/python -m bench.reports --small               # 2,000 people, 200,000 entries
    .venv/bin/python -m bench.reports --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports

Generates the data with bulk inserts (not through the services: this measures reads), then times
the dashboard roll-up, a branch drill-down page, the 台账 exports and one person's record, and
prints a Markdown table. Run it by hand; it is not part of the test suite.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, text

from learnapp import create_app
from learnapp.accounts.models import Role, RoleGrant, Stage, User
from learnapp.db import db
from learnapp.ledger.models import Category, LedgerEntry
from learnapp.ledger.offline_models import Claim, ClaimStatus
from learnapp.org.models import Branch, BranchKind

GENERALS, BRANCHES_PER_GENERAL = 20, 10  # 200 branches + 20 general branches + the committee
YEAR = 2026
CATEGORIES = [Category.online_reading, Category.online_video, Category.lecture, Category.branch_study,
              Category.themed_party_day, Category.test_passed]


def _timed(label: str, fn, results: list, repeat: int = 3):
    best, value = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    results.append((label, best))
    print(f"{label:<55} {best * 1000:9.0f} ms", flush=True)
    return value


def generate(people: int, entries: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = datetime(YEAR, 6, 15, tzinfo=UTC)
    root = Branch(name="基准测试党委", kind=BranchKind.committee, path="")
    db.session.add(root)
    db.session.flush()
    root.path = f"/{root.id}/"
    leaves = []
    for g in range(GENERALS):
        general = Branch(name=f"第{g + 1}党总支", kind=BranchKind.general_branch, parent_id=root.id, path="")
        db.session.add(general)
        db.session.flush()
        general.path = f"{root.path}{general.id}/"
        for b in range(BRANCHES_PER_GENERAL):
            branch = Branch(name=f"第{g + 1}-{b + 1}党支部", kind=BranchKind.branch, parent_id=general.id, path="")
            db.session.add(branch)
            db.session.flush()
            branch.path = f"{general.path}{branch.id}/"
            leaves.append(branch)
    db.session.flush()
    stages = list(Stage)
    rows = [{"login_id": f"p{i:06d}", "name": f"人员{i:06d}", "branch_id": leaves[i % len(leaves)].id,
             "stage": stages[i % len(stages)], "active": True, "must_change_password": False,
             "session_epoch": f"{i:016x}", "created_at": now} for i in range(people)]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(User), rows[start:start + 5000])
    user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    admin_id, secretary_id = user_ids[0], user_ids[1]
    db.session.execute(insert(RoleGrant), [
        {"user_id": admin_id, "role": Role.committee_admin, "branch_id": root.id, "created_at": now},
        {"user_id": secretary_id, "role": Role.branch_admin, "branch_id": leaves[1].id, "created_at": now},
    ])
    batch = []
    first = date(YEAR - 1, 1, 1)
    span = (date(YEAR, 6, 15) - first).days
    for n in range(entries):
        day = first + timedelta(days=rng.randrange(span))
        batch.append({"user_id": user_ids[rng.randrange(len(user_ids))], "year": day.year, "occurred_on": day,
                      "category": CATEGORIES[n % len(CATEGORIES)], "credit_hundredths": rng.choice((25, 50, 100, 400)),
                      "minutes": 30, "source_type": "material", "source_id": str(n % 500), "created_at": now})
        if len(batch) == 20000:
            db.session.execute(insert(LedgerEntry), batch)
            batch = []
    if batch:
        db.session.execute(insert(LedgerEntry), batch)
    claims = [{"user_id": user_ids[rng.randrange(len(user_ids))], "category": Category.lecture, "title": "讲座",
               "description": "", "status": ClaimStatus.approved if i % 4 else ClaimStatus.pending,
               "start_date": date(YEAR, 1 + i % 6, 1 + i % 28), "end_date": date(YEAR, 1 + i % 6, 1 + i % 28),
               "start_time": datetime(2000, 1, 1, 9).time(), "end_time": datetime(2000, 1, 1, 12).time(),
               "created_at": now} for i in range(people // 4)]
    db.session.execute(insert(Claim), claims)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true", help="reuse an already generated database")
    args = parser.parse_args()
    people, entries = (2_000, 200_000) if args.small else (20_000, 2_000_000)
    url = args.database_url or f"sqlite:////tmp/learnapp-bench-reports-{people}.db"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "localhost"})
    from learnapp.clock import FrozenClock

    app.extensions["learnapp.clock"] = FrozenClock(datetime(YEAR, 6, 15, 2, tzinfo=UTC))
    with app.app_context():
        if not args.keep:
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            else:
                db.drop_all()
            db.create_all()
            start = time.perf_counter()
            generate(people, entries)
            print(f"generated {people} people, {entries} entries in {time.perf_counter() - start:.0f} s")
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("ANALYZE"))
            else:
                db.session.execute(text("ANALYZE"))
                db.session.commit()
        run(app, people, entries, db.engine.dialect.name)


def run(app, people: int, entries: int, dialect: str) -> None:
    from learnapp import clock
    from learnapp.assessments import record as records
    from learnapp.reports import exports, rollup
    from learnapp.reports.people import people_page
    from learnapp.reports.scope import readable_people

    admin = db.session.scalar(select(User).join(RoleGrant).where(RoleGrant.role == Role.committee_admin))
    secretary = db.session.scalar(select(User).join(RoleGrant).where(RoleGrant.role == Role.branch_admin))
    # Flask-Login's is_authenticated is True for any User object: fine outside a request.
    f = rollup.Filters(year=YEAR, today=clock.today())
    results: list = []
    print(f"\n{dialect}: {people} people, {entries} ledger entries")
    nodes = _timed("dashboard roll-up, whole committee (220 branches)", lambda: rollup.dashboard(admin, f), results)
    _timed("dashboard roll-up, one branch admin", lambda: rollup.dashboard(secretary, f), results)
    branch = nodes[0].children[0].branch
    _timed("drill-down: general branch, people page 1 (50 rows)",
           lambda: people_page(readable_people(admin, branch), YEAR, f.today), results)
    _timed("drill-down: whole committee, people page 1, by credit",
           lambda: people_page(readable_people(admin), YEAR, f.today, sort="credit"), results)

    def export_csv():
        size = 0
        for chunk in exports.csv_lines(exports.person_rows(readable_people(admin), YEAR, f.today)):
            size += len(chunk)
        return size

    def export_xlsx():
        out = io.BytesIO()
        exports.write_xlsx(out, nodes, exports.person_rows(readable_people(admin), YEAR, f.today), title="bench")
        return out.tell()

    _timed("export CSV, whole committee", export_csv, results, repeat=1)
    size = _timed("export XLSX, whole committee (221 sheets)", export_xlsx, results, repeat=1)
    print(f"  XLSX size {size / 1e6:.1f} MB")
    person = db.session.get(User, admin.id + 17)
    _timed("one person's annual record (all ledger lines)", lambda: records.build(person, YEAR), results)


if __name__ == "__main__":
    main()
