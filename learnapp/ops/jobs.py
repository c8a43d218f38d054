"""The scheduled jobs (`flask jobs ...`, run by the systemd timers in deploy/systemd/): each takes
its lock (locks.py) so two runs at once cannot overlap, does its work in one transaction, and
logs what it did on the `learnapp.jobs` logger (JSON with LOG_FORMAT=json).

Each function returns a short English summary for the log; the work itself is the domains' own
code (quizzes.attempts.close_overdue, reports.reminders.send, contactwork.reminders,
audit.chain.write_checkpoint, ops.backup.create).
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from learnapp import audit, clock
from learnapp.actors import SYSTEM
from learnapp.db import db
from learnapp.errors import DomainError

log = logging.getLogger("learnapp.jobs")


def close_overdue_quizzes(limit: int | None = None) -> dict:
    """Submit the open attempts whose time ran out, with the answers saved before."""
    from learnapp.quizzes.attempts import close_overdue

    done = close_overdue(limit)
    db.session.commit()
    return {"submitted": done}


def _previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def notify_due() -> dict:
    """In-app notices (e-mail as well when configured) of quizzes closing and required readings due
    within days, once per person and item. Daily."""
    from learnapp.materials import due_notices as reading_due
    from learnapp.quizzes import due_notices as quiz_due

    result = {"quizzes_closing": quiz_due.remind_due(quiz_due.DUE_DAYS),
              "readings_due": reading_due.remind_due(reading_due.DUE_DAYS)}
    db.session.commit()
    return result


def send_reminders() -> dict:
    """Remind people behind pace (none twice within reminders.QUIET_DAYS) and people whose thought
    report for the quarter just ended is missing (an in-app notice, e-mail as well when SMTP is
    configured); e-mail branch administrators the development steps of their people due within two
    weeks or overdue (only with SMTP: said in the log otherwise). Weekly."""
    from learnapp.accounts.models import User
    from learnapp.contactwork import stored as contact_work_gaps
    from learnapp.contactwork.reminders import remind_everyone_missing
    from learnapp.contactwork.reports import quarter_of
    from learnapp.development.due_reminders import remind_steps_due
    from learnapp.reports import reminders

    today = clock.today()
    result = {}
    try:
        pace = reminders.send(SYSTEM, User.active.is_(True), today.year)
        result["behind_pace"] = {"noticed": len(pace.noticed), "sent": len(pace.sent),
                                 "recently_reminded": len(pace.recent), "no_email": len(pace.no_email),
                                 "failed": len(pace.failed)}
        year, quarter = _previous_quarter(*quarter_of(today))
        reports = remind_everyone_missing(year, quarter)
        result["thought_reports"] = {"quarter": f"{year}Q{quarter}", "noticed": len(reports.noticed),
                                     "sent": len(reports.sent), "no_email": len(reports.no_email),
                                     "failed": len(reports.failed)}
        if reminders.smtp_configured():
            due = remind_steps_due(today)
            result["development_steps_due"] = {"steps": due.steps, "admins_mailed": len(due.sent),
                                               "no_email": len(due.no_email), "failed": len(due.failed)}
        else:
            result["development_steps_due"] = {"skipped": "SMTP_HOST is not configured"}
        # The stored gaps of contact work hold the quarters up to the end of the next year.
        result["contact_work_gaps_rebuilt"] = contact_work_gaps.keep_ahead(today)
    except DomainError as exc:  # the mail server cannot be reached: nothing is recorded
        db.session.rollback()
        raise JobFailed(str(exc)) from None
    db.session.commit()
    return result


def write_audit_checkpoint(export_folder: Path | None = None) -> dict:
    """Sign the audit chain's length and head; write the copy to send off the server."""
    from learnapp.audit.chain import export_checkpoint, write_checkpoint

    checkpoint = write_checkpoint(SYSTEM, reason="daily")
    db.session.commit()
    folder = export_folder or Path(current_app.config.get("CHECKPOINT_EXPORT_FOLDER")
                                   or Path(current_app.instance_path) / "checkpoints")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"checkpoint-{clock.now().strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(export_checkpoint(checkpoint), encoding="utf-8")
    return {"entries": checkpoint.entries, "export": str(path)}


def backup_folder() -> Path:
    return Path(current_app.config.get("BACKUP_FOLDER") or Path(current_app.instance_path) / "backups")


def back_up(folder: Path | None = None, keep: int | None = None) -> dict:
    """A backup archive (ops/backup.py), then only the newest `keep` archives of the folder kept."""
    from learnapp.ops import backup

    folder = folder or backup_folder()
    keep = int(current_app.config.get("BACKUP_KEEP") or 0) if keep is None else keep
    created = backup.create(folder)
    removed = []
    if keep > 0:
        archives = sorted(folder.glob("learnapp-backup-*.tar"))
        for old in archives[:-keep]:
            old.unlink()
            removed.append(old.name)
    return {"archive": str(created.path), "size": created.path.stat().st_size, "removed": removed}


def expire_temporary_passwords() -> dict:
    """Temporary passwords past their time are refused at sign-in already; this removes their
    hashes too (a guessable temporary password should not sit in the database), ends the
    person's sessions and audits it per person. An admin gives a new one when asked."""
    from learnapp.accounts.models import User

    now = clock.now()
    people = db.session.scalars(select(User).where(User.password_expires_at.is_not(None),
                                                   User.password_expires_at <= now,
                                                   User.password_hash.is_not(None))
                                .order_by(User.id)).all()
    for person in people:
        person.password_hash = None
        person.renew_epoch()
        audit.record(SYSTEM, "user.temporary_password_expired", person, branch=person.branch, summary=person.name,
                     expired_at=person.password_expires_at)
    db.session.commit()
    return {"expired": len(people)}


class JobFailed(RuntimeError):
    """The job could not do its work (the reason is logged; exit status 1)."""


JOBS = {
    "close-overdue-quizzes": close_overdue_quizzes,
    "remind": send_reminders,
    "audit-checkpoint": write_audit_checkpoint,
    "backup": back_up,
    "expire-temporary-passwords": expire_temporary_passwords,
}
