"""`flask jobs ...` (the scheduled jobs, one lock each) and `flask backup create | verify | restore`."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

jobs_cli = click.Group("jobs", help="Scheduled jobs (run by the systemd timers; each safe to start twice).")
backup_cli = click.Group("backup", help="Backups: database, upload store, content version, audit checkpoint.")
log = logging.getLogger("learnapp.jobs")


def _run(name: str, work, **kwargs) -> None:
    """Run one job under its lock; log and print what it did. A second run at once does nothing."""
    from learnapp.ops.jobs import JobFailed
    from learnapp.ops.locks import JobRunning, job_lock

    started = time.monotonic()
    try:
        with job_lock(name):
            result = work(**kwargs)
    except JobRunning:
        log.info("job %s: already running, nothing done", name, extra={"fields": {"job": name, "outcome": "running"}})
        click.echo(f"{name}: already running elsewhere; nothing done")
        return
    except JobFailed as exc:
        log.error("job %s failed: %s", name, exc, extra={"fields": {"job": name, "outcome": "failed"}})
        click.echo(f"{name} failed: {exc}", err=True)
        sys.exit(1)
    seconds = round(time.monotonic() - started, 2)
    log.info("job %s done: %s", name, json.dumps(result, ensure_ascii=False),
             extra={"fields": {"job": name, "outcome": "done", "seconds": seconds, "result": result}})
    click.echo(f"{name}: {json.dumps(result, ensure_ascii=False)} ({seconds} s)")


@jobs_cli.command("close-overdue-quizzes")
@click.option("--limit", type=int, default=None, help="At most this many attempts in one run.")
@with_appcontext
def close_overdue_quizzes(limit: int | None) -> None:
    """Submit open quiz attempts whose time ran out (every few minutes)."""
    from learnapp.ops import jobs

    _run("close-overdue-quizzes", jobs.close_overdue_quizzes, limit=limit)


@jobs_cli.command("remind")
@with_appcontext
def remind() -> None:
    """Remind people behind pace and with missing thought reports (notice and e-mail), e-mail development steps due to branch admins (weekly)."""
    from learnapp.ops import jobs

    _run("remind", jobs.send_reminders)


@jobs_cli.command("notify-due")
@with_appcontext
def notify_due() -> None:
    """Notices of quizzes closing and required readings due within days (daily)."""
    from learnapp.ops import jobs

    _run("notify-due", jobs.notify_due)


@jobs_cli.command("audit-checkpoint")
@click.option("--export-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the checkpoint copy is written (default CHECKPOINT_EXPORT_FOLDER).")
@with_appcontext
def audit_checkpoint(export_dir: Path | None) -> None:
    """Sign the audit chain and write the copy to send off the server (daily)."""
    from learnapp.ops import jobs

    _run("audit-checkpoint", jobs.write_audit_checkpoint, export_folder=export_dir)


@jobs_cli.command("backup")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the archives (default BACKUP_FOLDER).")
@click.option("--keep", type=int, default=None, help="Keep the newest N archives there (default BACKUP_KEEP; 0: all).")
@with_appcontext
def backup_job(folder: Path | None, keep: int | None) -> None:
    """Write a backup archive and remove the oldest beyond --keep (daily)."""
    from learnapp.ops import jobs

    _run("backup", jobs.back_up, folder=folder, keep=keep)


@jobs_cli.command("expire-temporary-passwords")
@with_appcontext
def expire_temporary_passwords() -> None:
    """Remove temporary passwords past their time and end those people's sessions (hourly)."""
    from learnapp.ops import jobs

    _run("expire-temporary-passwords", jobs.expire_temporary_passwords)


@backup_cli.command("create")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the archive into (default BACKUP_FOLDER).")
@with_appcontext
def create(folder: Path | None) -> None:
    """A consistent backup archive, safe while the site runs; prints its path."""
    from learnapp.ops import backup, jobs
    from learnapp.ops.locks import JobRunning, job_lock

    try:
        with job_lock("backup"):
            created = backup.create(folder or jobs.backup_folder())
    except JobRunning:
        click.echo("a backup is already running; nothing done", err=True)
        sys.exit(1)
    except backup.BackupError as exc:
        click.echo(f"backup failed: {exc}", err=True)
        sys.exit(1)
    counts = created.manifest["database"]["row_counts"]
    click.echo(f"{created.path}  ({len(created.manifest['files'])} files, {sum(counts.values())} rows)")


@backup_cli.command("verify")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def verify(archive: Path) -> None:
    """Check every file of the archive against its manifest (exit 1 when damaged)."""
    from learnapp.ops import backup

    try:
        manifest = backup.verify(archive)
    except backup.BackupError as exc:
        click.echo(f"DAMAGED: {exc}", err=True)
        sys.exit(1)
    database = manifest["database"]
    click.echo(f"intact: {len(manifest['files'])} files, {database['dialect']} database at "
               f"{', '.join(database['revisions']) or '?'}, {sum(database['row_counts'].values())} rows, "
               f"made {manifest['created_at']}")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database and upload store that hold data.")
@with_appcontext
def restore(archive: Path, force: bool) -> None:
    """Restore the archive into an empty database and upload store, then check the result against it."""
    from learnapp.ops import backup
    from learnapp.ops.snapshot import SnapshotError

    try:
        manifest = backup.restore(archive, force=force)
    except (backup.BackupError, SnapshotError) as exc:
        click.echo(f"not restored: {exc}", err=True)
        sys.exit(1)
    problems = backup.check_restored(manifest)
    if problems:
        click.echo("restored, but it differs from the backup:\n  " + "\n  ".join(problems), err=True)
        sys.exit(1)
    click.echo(f"restored: {sum(manifest['database']['row_counts'].values())} rows and "
               f"{sum(1 for n in manifest['files'] if n.startswith('uploads/'))} files match the backup; "
               "now run `flask audit verify` and `flask ledger verify-totals`")
