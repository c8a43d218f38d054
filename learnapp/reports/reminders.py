"""Reminders for people behind pace: the list for administrators; an in-app notice to each, and
e-mail as well when SMTP is configured."""

from __future__ import annotations

import smtplib
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, select

from learnapp import audit, clock, mail
from learnapp.accounts.models import User
from learnapp.assessments.queries import with_status
from learnapp.assessments.status import Status, pace_target
from learnapp.db import db
from learnapp.notices import services as notices
from learnapp.reports.models import ReminderSent
from learnapp.web import format_credit

# Nobody gets a second reminder within this many days, however often the button is pressed.
QUIET_DAYS = 7


def smtp_configured() -> bool:
    return mail.smtp_configured()


def behind_pace(user_filter: ColumnElement[bool], year: int, today: date):
    """select() of people behind pace with their figures and when they were last reminded."""
    stmt, people = with_status(year, user_filter, today, status=Status.behind)
    last = (select(ReminderSent.user_id, func.max(ReminderSent.sent_at).label("last_sent"))
            .where(ReminderSent.year == year).group_by(ReminderSent.user_id).subquery("last_reminder"))
    sq = stmt.subquery("behind")
    return (select(sq, last.c.last_sent).outerjoin(last, last.c.user_id == sq.c.user_id)
            .order_by(sq.c.name, sq.c.user_id))


def behind_pace_rows(user_filter: ColumnElement[bool], year: int, today: date, limit: int = 1000) -> list:
    """The first rows of `behind_pace`."""
    return db.session.execute(behind_pace(user_filter, year, today).limit(limit)).all()


@dataclass
class SendReport:
    noticed: list[str] = field(default_factory=list)  # an in-app notice (everyone not reminded recently)
    sent: list[str] = field(default_factory=list)     # an e-mail as well
    no_email: list[str] = field(default_factory=list)
    recent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _message(row, year: int, today: date, sender: str, locale: str | None) -> EmailMessage:
    with force_locale(locale or "zh_CN"):
        msg = EmailMessage()
        msg["Subject"] = _("Study hours %(year)d: a reminder", year=year)
        msg["From"] = sender
        msg["To"] = row.email
        msg.set_content(_(
            "Dear %(name)s,\n\nYou have %(total)s of the %(requirement)s study hours required in %(year)d. "
            "By today the pace line is %(pace)s. Please plan your study in the coming weeks: reading on "
            "the study column counts, and so do offline activities with evidence.\n\n"
            "This message was sent by your branch through the Party training records site.",
            name=row.name, total=format_credit(row.total), requirement=format_credit(row.requirement), year=year,
            pace=format_credit(pace_target(int(row.requirement), year, today))))
    return msg


def send(actor, user_filter: ColumnElement[bool], year: int, user_ids: list[int] | None = None, *,
         branch=None) -> SendReport:
    """Remind everyone behind pace in scope (or the chosen ones among them): an in-app notice to
    each, and an e-mail as well to those with an address when SMTP is configured; audited, one entry.

    People reminded in the last QUIET_DAYS days are skipped. A refused address does not stop the
    others; an unreachable server stops everything (nothing recorded).
    """
    today = clock.today()
    stmt = behind_pace(user_filter, year, today)
    rows = db.session.execute(stmt).all()
    if user_ids is not None:
        wanted = set(user_ids)
        rows = [r for r in rows if r.user_id in wanted]
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r.user_id for r in rows] or [0])))}
    quiet_since = clock.now() - timedelta(days=QUIET_DAYS)
    report = SendReport()
    with (mail.smtp_server() if mail.smtp_configured() else nullcontext()) as server:
        for row in rows:
            if row.last_sent is not None and row.last_sent > quiet_since:
                report.recent.append(row.name)
                continue
            person = people[row.user_id]
            notices.notify(person, "behind_pace", {
                "year": year, "total": int(row.total), "requirement": int(row.requirement),
                "pace": pace_target(int(row.requirement), year, today)}, sender=actor, email=False)
            report.noticed.append(row.name)
            emailed = ""
            if not row.email:
                report.no_email.append(row.name)
            elif server is not None:
                try:
                    server.send_message(_message(row, year, today, mail.sender(), person.locale))
                except smtplib.SMTPException:
                    report.failed.append(row.name)
                else:
                    emailed = row.email
                    report.sent.append(row.name)
            # Kept for the quiet period whether or not an e-mail went (the address sent to, or "").
            db.session.add(ReminderSent(user_id=row.user_id, year=year, email=emailed,
                                        sent_by_id=getattr(actor, "id", None), sent_at=clock.now()))
    db.session.flush()
    if report.noticed:
        audit.record(actor, "report.remind", ("reminders", None), branch=branch,
                     summary=f"{year}: {len(report.noticed)}",
                     after={"year": year, "noticed": len(report.noticed), "sent": len(report.sent),
                            "no_email": len(report.no_email), "failed": len(report.failed)})
    return report
