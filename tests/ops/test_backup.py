"""`flask backup create | verify | restore` on the test database (SQLite or PostgreSQL): data made,
backed up while other transactions write, restored into a fresh database and upload store, and
compared: every table's row count, the year totals, the evidence files' hashes, `audit verify`,
`ledger verify-totals`."""

from __future__ import annotations

import hashlib
import io
import tarfile
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from learnapp import audit, create_app
from learnapp.actors import SYSTEM
from learnapp.db import db
from learnapp.ledger import claims
from learnapp.ops import backup, snapshot
from tests.helpers.ledger import submit
from tests.helpers.reports import add_entry


@pytest.fixture
def data(app, org, clock):
    """Ledger lines (year totals), an approved claim with its evidence photo, audit entries, a checkpoint."""
    for person, credit in ((org.learner_a, 150), (org.learner_b, 5000), (org.learner_c, 75)):
        add_entry(person, credit, on=date(2026, 3, 10))
        add_entry(person, 25, on=date(2025, 11, 2))
    claim = submit(org.learner_a)
    claims.approve_claim(org.admin_a, claim.id)
    audit.record(org.committee_admin, "user.update", org.learner_b, summary="before the backup")
    db.session.commit()
    return claim


@pytest.fixture
def fresh_target(tmp_path, base_config):
    """A fresh, empty database (and upload store) for the restore: a file on SQLite, the database
    <test database>_restore beside the test database on PostgreSQL."""
    url = base_config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        parsed = make_url(url)
        restore_db = f"{parsed.database}_restore"
        admin_url = snapshot.libpq_url(parsed.set(database="postgres"))
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)', f'CREATE DATABASE "{restore_db}"')
        target = parsed.set(database=restore_db).render_as_string(hide_password=False)
    else:
        target = f"sqlite:///{tmp_path / 'restored.db'}"
    app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": target, "UPLOAD_FOLDER": str(tmp_path / "restored-uploads")})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if url.startswith("postgresql"):
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)')


def _admin(url: str, *statements: str) -> None:
    """CREATE / DROP DATABASE, outside any transaction (plain psycopg: the app's engines keep one)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


class Writer(threading.Thread):
    """Other transactions writing ledger lines and audit entries while the backup runs (as requests do)."""

    def __init__(self, app, person_id: int):
        super().__init__(daemon=True)
        self.app, self.person_id, self.stop, self.commits, self.error = app, person_id, threading.Event(), 0, None

    def run(self) -> None:
        from learnapp.accounts.models import User

        try:
            with self.app.app_context():
                person = db.session.get(User, self.person_id)
                while not self.stop.is_set():
                    add_entry(person, 5, on=date(2026, 5, 1))
                    audit.record(SYSTEM, "user.update", person, summary=f"during the backup {self.commits}")
                    db.session.commit()
                    self.commits += 1
                db.session.remove()
        except Exception as exc:  # reported by the test
            self.error = exc


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".healthz")}


def test_backup_while_writing_then_restore_into_a_fresh_database(app, data, org, tmp_path, fresh_target):
    person_id = org.learner_c.id
    db.session.commit()  # the test's own transaction must not hold SQLite's write lock meanwhile
    before = snapshot.current_facts()
    writer = Writer(app, person_id)
    writer.start()
    try:
        while writer.commits < 3 and writer.error is None and writer.is_alive():
            writer.stop.wait(0.01)  # until the writer is under way (bounded by its progress, not a guess)
        result = _cli(app, "backup", "create", "--to", str(tmp_path / "backups"))
        during = writer.commits
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert during > 3, "the writer should have been writing while the backup ran"
    [archive] = (tmp_path / "backups").glob("learnapp-backup-*.tar")
    assert _cli(app, "backup", "verify", str(archive)).exit_code == 0
    manifest = backup.verify(archive)
    counts = manifest["database"]["row_counts"]
    # A snapshot taken between the writer's commits: at least what was there before, whole commits only.
    assert counts["ledger_entries"] >= before["row_counts"]["ledger_entries"]
    assert counts["ledger_entries"] - before["row_counts"]["ledger_entries"] == \
        counts["audit_entries"] - before["row_counts"]["audit_entries"] - 1, "half a writer's commit in the copy"
    evidence = [n for n in manifest["files"] if n.startswith("uploads/evidence/")]
    assert evidence, "the claim's photo should be in the backup"
    source_hashes = _hashes(Path(app.config["UPLOAD_FOLDER"]))

    with fresh_target.app_context():
        restored = _cli(fresh_target, "backup", "restore", str(archive))
        assert restored.exit_code == 0, restored.output
        assert snapshot.current_facts() == {k: manifest["database"][k] for k in ("row_counts", "year_totals")}
        restored_hashes = _hashes(Path(fresh_target.config["UPLOAD_FOLDER"]))
        for name in evidence:
            relative = name.removeprefix("uploads/")
            assert restored_hashes[relative] == source_hashes[relative]
        verified = _cli(fresh_target, "audit", "verify")
        assert verified.exit_code == 0, verified.output
        totals = _cli(fresh_target, "ledger", "verify-totals")
        assert totals.exit_code == 0, totals.output
        # Into a database that now holds data: refused without --force, done with it.
        again = _cli(fresh_target, "backup", "restore", str(archive))
        assert again.exit_code == 1 and "--force" in again.output
        forced = _cli(fresh_target, "backup", "restore", "--force", str(archive))
        assert forced.exit_code == 0, forced.output
        assert snapshot.current_facts()["row_counts"] == counts


def test_verify_finds_a_damaged_archive(app, data, tmp_path):
    created = backup.create(tmp_path)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(created.path) as source, tarfile.open(damaged, "w") as out:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.startswith("uploads/evidence/"):
                content = content[:-1] + bytes([content[-1] ^ 1])
            out.addfile(member, io.BytesIO(content))
    result = _cli(app, "backup", "verify", str(damaged))
    assert result.exit_code == 1 and "does not match its checksum" in result.output


def test_the_archive_is_readable_by_its_owner_only(app, data, tmp_path):
    created = backup.create(tmp_path / "backups")
    assert created.path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700
