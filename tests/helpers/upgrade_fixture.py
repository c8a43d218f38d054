"""Write tests/upgrade/fixtures/<revision>.json: the demo's data at the first released schema.

    .venv/bin/python -m tests.helpers.upgrade_fixture

The data must come from the code *of that release*, not today's (today's models may have columns
the old schema lacks), so the script takes the release's source from git (`git archive
PINNED_COMMIT`), runs `flask db upgrade`, `rules load`, `development rules load`, `content sync`
and `demo load` with it on a fresh SQLite database, and then writes every table's rows as JSON
text (tests/helpers/upgrade_rows.py). The result is committed; tests/upgrade/test_upgrade_keeps_data.py
loads it into a database migrated to the same revision and upgrades that to today's head.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine

from tests.helpers.upgrade_rows import read_all

ROOT = Path(__file__).resolve().parents[2]
# The first released schema and the last commit whose migrations end at it.
PINNED_REVISION = "plan_d4p7q2"
PINNED_COMMIT = "6e04db9"
FIXTURE = ROOT / "tests" / "upgrade" / "fixtures" / f"{PINNED_REVISION}.json"
# Test-only keys: the fixture's audit chain is keyed with this one, and the test verifies it.
AUDIT_KEY = "upgrade-fixture-audit-key-not-secret"
STEPS = [["db", "upgrade", PINNED_REVISION], ["rules", "load"], ["development", "rules", "load"],
         ["content", "sync"], ["demo", "load"]]


def build(workdir: Path) -> Path:
    source = workdir / "src"
    source.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", PINNED_COMMIT], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    database = workdir / "fixture.db"
    env = {**os.environ, "PYTHONPATH": str(source), "LEARNAPP_DATABASE_URL": f"sqlite:///{database}",
           "LEARNAPP_SECRET_KEY": "upgrade-fixture", "LEARNAPP_AUDIT_HMAC_KEY": AUDIT_KEY,
           "LEARNAPP_UPLOAD_FOLDER": str(workdir / "uploads"), "LEARNAPP_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    env.pop("LEARNAPP_TEST_DATABASE_URL", None)
    for step in STEPS:
        subprocess.run([sys.executable, "-m", "flask", "--app", "learnapp", *step], cwd=source, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    return database


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        database = build(Path(work))
        engine = create_engine(f"sqlite:///{database}")
        with engine.connect() as connection:
            tables = read_all(connection, skip={"alembic_version"})
        engine.dispose()
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    with FIXTURE.open("w", encoding="utf-8") as out:
        # One row per line: readable, and a diff shows the rows that changed.
        head = {"revision": PINNED_REVISION, "commit": PINNED_COMMIT, "audit_hmac_key": AUDIT_KEY}
        out.write(json.dumps(head)[:-1] + ', "tables": {\n')
        names = list(tables)
        for i, name in enumerate(names):
            out.write(f" {json.dumps(name)}: [\n")
            rows = tables[name]
            for j, row in enumerate(rows):
                out.write("  " + json.dumps(row, ensure_ascii=False, sort_keys=True) + ("," if j < len(rows) - 1 else "") + "\n")
            out.write(" ]" + ("," if i < len(names) - 1 else "") + "\n")
        out.write("}}\n")
    print(f"{FIXTURE.relative_to(ROOT)}: {sum(len(r) for r in tables.values())} rows in {len(tables)} tables, "
          f"{FIXTURE.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
