"""Notices written in the domains' transactions; their e-mail goes after the commit.

`notify` is called from a domain's service with the person and the notice's kind and parameters;
it adds the row (flushed with the caller's work) and, when the person has an address and SMTP is
configured, queues an e-mail that is sent only once the transaction commits (a rolled-back
decision sends nothing).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import has_app_context
from flask_babel import force_locale
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from learnapp import clock, i18n, mail, request_memo
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.external import external_url
from learnapp.notices import kinds
from learnapp.notices.models import Notice

log = logging.getLogger(__name__)
_QUEUE = "learnapp.notice_mail"


def notify(person, kind: str, params: dict | None = None, *, sender=None, email: bool = True,
           dedupe_key: str | None = None, check_dedupe: bool = True) -> Notice | None:
    """A notice for `person` (a User); None when `dedupe_key` was already used for them.

    `email=False` when the caller e-mails the person itself (the reminders, which report refused
    addresses)."""
    if kind not in kinds.KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    if dedupe_key is not None and check_dedupe and db.session.scalar(
            select(Notice.id).where(Notice.user_id == person.id, Notice.dedupe_key == dedupe_key)) is not None:
        return None
    wants_mail = email and bool(getattr(person, "email", None)) and mail.smtp_configured()
    notice = Notice(user_id=person.id, kind=kind, params=dict(params or {}), dedupe_key=dedupe_key,
                    sent_by_id=getattr(sender, "id", None), emailed=wants_mail, created_at=clock.now())
    db.session.add(notice)
    if wants_mail:
        db.session.info.setdefault(_QUEUE, []).append(_message(person, kind, notice.params))
    return notice


def notify_all(people, kind: str, params: dict | None = None, *, dedupe_key: str | None = None, **options) -> int:
    """The same notice for several people (those who already had `dedupe_key` are skipped, found in
    one statement); how many were written."""
    people = list(people)
    if dedupe_key is not None and people:
        had = set(db.session.scalars(select(Notice.user_id).where(
            Notice.dedupe_key == dedupe_key, Notice.user_id.in_([p.id for p in people]))))
        people = [p for p in people if p.id not in had]
    for person in people:
        notify(person, kind, params, dedupe_key=dedupe_key, check_dedupe=False, **options)
    return len(people)


def _message(person, kind: str, params: dict) -> EmailMessage:
    with force_locale(person.locale or i18n.site_language()):
        msg = EmailMessage()
        msg["Subject"] = kinds.subject_of(kind)
        msg["From"] = mail.sender()
        msg["To"] = person.email
        body = kinds.text_of(kind, params)
        try:
            link = external_url("notices.index")
        except Exception:  # no SERVER_NAME outside a request: the text alone
            link = ""
        msg.set_content(f"{person.name}:\n\n{body}\n\n{link}".rstrip() + "\n")
    return msg


@event.listens_for(Session, "after_commit")
def _send_queued(session) -> None:
    queued = session.info.pop(_QUEUE, None)
    if not queued or not has_app_context():
        return
    try:
        with mail.smtp_server() as server:
            for msg in queued:
                try:
                    server.send_message(msg)
                except smtplib.SMTPException as exc:
                    log.warning("notice e-mail to %s refused: %s", msg["To"], exc)
    except DomainError as exc:  # the server is unreachable: the notices are in the site all the same
        log.warning("notice e-mail not sent: %s", "; ".join(exc.messages))


@event.listens_for(Session, "after_rollback")
def _drop_queued(session) -> None:
    session.info.pop(_QUEUE, None)


def mark_read(person, notice_id: int) -> Notice:
    """Mark one of the person's notices read (someone else's: DomainError, as if it did not exist)."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.user_id != person.id:
        raise DomainError("not found")
    if notice.read_at is None:
        notice.read_at = clock.now()
        db.session.flush()
    return notice


def mark_all_read(person) -> int:
    result = db.session.execute(update(Notice).where(Notice.user_id == person.id, Notice.read_at.is_(None))
                                .values(read_at=clock.now()).execution_options(synchronize_session=False))
    db.session.flush()
    request_memo.forget("unread_notices")
    return result.rowcount or 0

