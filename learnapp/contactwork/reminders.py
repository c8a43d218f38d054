"""Reminders (an in-app notice, e-mail as well) to people whose thought report for a quarter is missing."""

from __future__ import annotations

import smtplib
from contextlib import nullcontext
from dataclasses import dataclass, field
from email.message import EmailMessage

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import audit, mail
from learnapp.accounts.models import User
from learnapp.actors import SYSTEM
from learnapp.contactwork import queries
from learnapp.contactwork.reports import quarter_label
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.external import external_url
from learnapp.notices import services as notices
from learnapp.security import is_branch_admin, is_contact


@dataclass
class Sent:
    noticed: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    no_email: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def may_remind(actor) -> bool:
    """Training contacts (their people) and branch admins (their subtree); auditors only read."""
    return is_contact(actor) or is_branch_admin(actor)


def _message(person: User, year: int, quarter: int) -> EmailMessage:
    with force_locale(person.locale or "zh_CN"):
        msg = EmailMessage()
        msg["Subject"] = _("Your thought report for %(quarter)s", quarter=quarter_label(year, quarter))
        msg["From"] = mail.sender()
        msg["To"] = person.email
        msg.set_content(_(
            "Dear %(name)s,\n\nYour thought report for %(quarter)s has not been handed in yet. You can write it "
            "in the site (the draft is kept as you type) or upload it as a file:\n%(link)s\n\n"
            "This message was sent by your branch through the Party training records site.",
            name=person.name, quarter=quarter_label(year, quarter),
            link=external_url("contactwork.report_write", quarter=f"{year}-{quarter}")))
    return msg


def remind_missing(actor, year: int, quarter: int, user_ids: list[int] | None = None) -> Sent:
    """Remind everyone in the actor's scope whose report for the quarter is missing (or the chosen
    ones among them): an in-app notice to each, an e-mail as well to those with an address when
    SMTP is configured; one audit entry."""
    if not may_remind(actor):
        raise DomainError(_("Only training contacts and branch administrators send reminders."))
    rows = queries.missing_reports(actor, year, quarter)
    if user_ids is not None:
        rows = [r for r in rows if r.user_id in set(user_ids)]
    return remind_rows(actor, rows, year, quarter)


def remind_everyone_missing(year: int, quarter: int) -> Sent:
    """The scheduled job's reminder (`flask jobs remind`, acting as the system): everyone active
    whose report for the quarter is missing, whatever their branch."""
    rows = db.session.execute(queries.missing_reports_stmt(User.active.is_(True), year, quarter)).all()
    return remind_rows(SYSTEM, rows, year, quarter)


def remind_rows(actor, rows, year: int, quarter: int) -> Sent:
    """Mail the people of `rows` (missing_reports rows); one audit entry for those mailed."""
    ids = [r.user_id for r in rows] or [0]
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    result = Sent()
    with (mail.smtp_server() if mail.smtp_configured() else nullcontext()) as server:
        for row in rows:
            person = people[row.user_id]
            notices.notify(person, "report_missing", {"year": year, "quarter": quarter}, sender=actor, email=False)
            result.noticed.append(person.name)
            if not person.email:
                result.no_email.append(person.name)
                continue
            if server is None:
                continue
            try:
                server.send_message(_message(person, year, quarter))
            except smtplib.SMTPException:
                result.failed.append(person.name)
                continue
            result.sent.append(person.name)
    db.session.flush()
    if result.noticed:
        audit.record(actor, "thought_report.remind", ("thought_reports", None),
                     summary=f"{quarter_label(year, quarter)}: {len(result.noticed)}",
                     after={"year": year, "quarter": quarter, "noticed": len(result.noticed), "sent": len(result.sent),
                            "no_email": len(result.no_email), "failed": len(result.failed)})
    return result
