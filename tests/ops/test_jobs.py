"""The scheduled jobs (`flask jobs ...`): each does its work and says so; a second run while the
first holds the lock says it is already running and does nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from learnapp.accounts import passwords
from learnapp.accounts.models import User
from learnapp.audit.models import AuditCheckpoint, AuditEntry
from learnapp.notices.models import Notice
from learnapp.ops.locks import job_lock
from learnapp.quizzes import attempts
from learnapp.quizzes.models import Attempt, AttemptState
from learnapp.reports.models import ReminderSent
from tests.helpers.contactwork import reporting_since, submitted
from tests.helpers.quizzes import Bank, make_quiz
from tests.helpers.smtp_sink import SMTPSink


def jobs(app, *args):
    result = app.test_cli_runner().invoke(args=["jobs", *args], catch_exceptions=False)
    return result


@pytest.fixture
def overdue(org, db, clock):
    bank = Bank()
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, time_limit_minutes=10)
    attempt = attempts.start_attempt(org.learner_a, quiz)
    db.session.commit()
    clock.advance(minutes=30)
    return attempt.id


def _state(db, attempt_id):
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id).state


def test_close_overdue_quizzes(app, db, overdue):
    result = jobs(app, "close-overdue-quizzes")
    assert result.exit_code == 0 and '"submitted": 1' in result.output, result.output
    assert _state(db, overdue) == AttemptState.graded


def test_close_overdue_quizzes_twice_at_once(app, db, overdue):
    with job_lock("close-overdue-quizzes"):
        result = jobs(app, "close-overdue-quizzes")
    assert result.exit_code == 0 and "already running" in result.output, result.output
    assert _state(db, overdue) == AttemptState.in_progress


@pytest.fixture
def sink(app):
    with SMTPSink() as server:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, MAIL_FROM="party@example.org")
        yield server
    app.config["SMTP_HOST"] = None


@pytest.fixture
def reminders_due(org, db):
    """learner_a is behind pace and owes the 2026 Q1 thought report; learner_b handed it in."""
    for person in (org.learner_a, org.learner_b):
        reporting_since(person, date(2025, 9, 1))
        person.email = f"{person.login_id}@example.org"
    submitted(org.learner_b, quarter=1)
    db.session.commit()


def test_remind(app, db, clock, sink, reminders_due, org):
    result = jobs(app, "remind")
    assert result.exit_code == 0, result.output
    to = sorted(m["To"] for m in sink.messages)
    assert "learner_a@example.org" in to
    subjects = " ".join(m["Subject"] for m in sink.messages if m["To"] == "learner_a@example.org")
    assert "2026" in subjects
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) >= 1
    assert '"quarter": "2026Q1"' in result.output
    # Run again the next day: nobody behind pace is mailed twice within the quiet days.
    paced = len([m for m in sink.messages if "Study hours" in m["Subject"] or "学时" in m["Subject"]])
    clock.advance(days=1)
    again = jobs(app, "remind")
    assert '"sent": 0' in again.output.split('"behind_pace"')[1].split("}")[0], again.output
    assert len([m for m in sink.messages if "Study hours" in m["Subject"] or "学时" in m["Subject"]]) == paced


def test_remind_twice_at_once(app, sink, reminders_due):
    with job_lock("remind"):
        result = jobs(app, "remind")
    assert "already running" in result.output and sink.messages == []


def test_remind_without_smtp_notifies_in_the_site_and_says_so(app, db, reminders_due):
    result = jobs(app, "remind")
    assert result.exit_code == 0, result.output
    assert "SMTP_HOST is not configured" in result.output  # the steps due go to admins by e-mail only
    assert db.session.scalar(select(func.count()).select_from(Notice)) >= 1
    assert '"noticed": 0' not in result.output.split('"thought_reports"')[1].split("}")[0], result.output


def _checkpoints(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditCheckpoint))


def test_audit_checkpoint(app, db, org, tmp_path):
    result = jobs(app, "audit-checkpoint", "--export-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert _checkpoints(db) == 1
    [copy] = tmp_path.glob("checkpoint-*.json")
    verified = app.test_cli_runner().invoke(args=["audit", "verify", "--checkpoint", str(copy)])
    assert verified.exit_code == 0, verified.output


def test_audit_checkpoint_twice_at_once(app, db, org, tmp_path):
    with job_lock("audit-checkpoint"):
        result = jobs(app, "audit-checkpoint", "--export-dir", str(tmp_path))
    assert "already running" in result.output
    assert _checkpoints(db) == 0 and not list(tmp_path.iterdir())


def test_backup_keeps_the_newest(app, db, org, tmp_path, clock):
    for _ in range(3):
        result = jobs(app, "backup", "--to", str(tmp_path), "--keep", "2")
        assert result.exit_code == 0, result.output
        clock.advance(seconds=1)
    assert len(list(tmp_path.glob("learnapp-backup-*.tar"))) == 2


def test_backup_twice_at_once(app, db, org, tmp_path):
    with job_lock("backup"):
        result = jobs(app, "backup", "--to", str(tmp_path))
    assert "already running" in result.output and not list(tmp_path.glob("*.tar"))


@pytest.fixture
def expired_temporary(app, org, db, clock):
    with app.test_request_context():
        passwords.issue_temporary(org.learner_a)
    db.session.commit()
    clock.advance(hours=app.config["TEMPORARY_PASSWORD_HOURS"] + 1)
    return org.learner_a.id


def test_expire_temporary_passwords(app, db, expired_temporary, org):
    epoch = db.session.get(User, expired_temporary).session_epoch
    result = jobs(app, "expire-temporary-passwords")
    assert result.exit_code == 0 and '"expired": 1' in result.output, result.output
    db.session.expire_all()
    person = db.session.get(User, expired_temporary)
    assert person.password_hash is None and person.session_epoch != epoch
    assert org.learner_b.password_hash is not None  # a normal password is untouched
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.temporary_password_expired"))
    assert entry.target_id == str(expired_temporary)
    # Nothing left to do the second time.
    assert '"expired": 0' in jobs(app, "expire-temporary-passwords").output


def test_a_temporary_password_still_valid_is_kept(app, db, org, clock):
    with app.test_request_context():
        passwords.issue_temporary(org.learner_a)
    db.session.commit()
    clock.advance(hours=1)
    assert '"expired": 0' in jobs(app, "expire-temporary-passwords").output


def test_expire_temporary_passwords_twice_at_once(app, db, expired_temporary):
    with job_lock("expire-temporary-passwords"):
        result = jobs(app, "expire-temporary-passwords")
    assert "already running" in result.output
    db.session.expire_all()
    assert db.session.get(User, expired_temporary).password_hash is not None


def test_the_lock_is_free_again_after_a_run(app, db, org):
    jobs(app, "expire-temporary-passwords")
    with job_lock("expire-temporary-passwords"):
        pass


def test_a_lock_is_per_job(app, db, overdue):
    with job_lock("backup"):
        assert '"submitted": 1' in jobs(app, "close-overdue-quizzes").output



def test_remind_tells_branch_admins_of_development_steps_due(app, db, clock, sink, org):
    from datetime import date as day

    from learnapp.development.services import record_step
    from tests.helpers.development import person_up_to

    person = person_up_to(org.branch_a, None)
    record_step(person, person, "application", day(2026, 5, 10))  # the talk was due by 2026-06-10
    org.admin_a.email = "admin_a@example.org"
    db.session.commit()
    result = jobs(app, "remind")
    assert result.exit_code == 0 and '"admins_mailed": 1' in result.output, result.output
    [message] = [m for m in sink.messages if m["To"] == "admin_a@example.org" and "2026-06-10" in m.get_content()]
    assert person.name in message.get_content()
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "development.remind_due")) is not None


def test_notify_due_tells_of_a_quiz_closing_once(app, db, org, clock):
    quiz = make_quiz(org.committee_admin, org.branch_a, Bank().auto_questions, closes_at=clock.now() + timedelta(days=2))
    db.session.commit()
    first = jobs(app, "notify-due")
    assert first.exit_code == 0, first.output
    assert '"quizzes_closing": 0' not in first.output, first.output
    count = db.session.scalar(select(func.count()).select_from(Notice))
    assert count >= 1
    again = jobs(app, "notify-due")
    assert '"quizzes_closing": 0' in again.output  # once per person and quiz
    assert db.session.scalar(select(func.count()).select_from(Notice)) == count
    assert quiz.id


def test_notify_due_twice_at_once(app):
    with job_lock("notify-due"):
        result = jobs(app, "notify-due")
    assert "already running" in result.output
