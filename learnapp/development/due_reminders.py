"""E-mail to branch administrators: the development steps of their people that fall due within
DUE_SOON_DAYS or are overdue (the weekly `flask jobs remind`). One message per administrator,
listing every such step in the subtrees they administer; one audit entry for the run."""

from __future__ import annotations

import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import audit, mail
from learnapp.accounts.models import Role, RoleGrant, Stage, User
from learnapp.actors import SYSTEM
from learnapp.db import db
from learnapp.development.readahead import Files
from learnapp.development.timeline import timeline

DUE_SOON_DAYS = 14
IN_PROCEDURE = (Stage.applicant, Stage.activist, Stage.development_target, Stage.probationary_member)


@dataclass(frozen=True)
class DueStep:
    person: User
    label: str
    due_by: date
    overdue: bool


@dataclass
class DueSent:
    steps: int = 0
    sent: list[str] = field(default_factory=list)
    no_email: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def steps_due(today: date) -> list[DueStep]:
    """Every next step of people in the procedure whose time limit is within DUE_SOON_DAYS or past."""
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    files = Files(User.active.is_(True), User.stage.in_(IN_PROCEDURE))  # every file at once
    people = sorted(files.people, key=lambda p: p.id)
    return [DueStep(person, str(step.label), step.due_by, step.overdue) for person in people
            for step in timeline(person, today, steps=files.steps.get(person.id, []), training=files.training).next
            if step.due_by is not None and step.due_by <= horizon]


def _admins_of(steps: list[DueStep]) -> dict[User, list[DueStep]]:
    """Each active branch administrator and the due steps of the people in their subtrees."""
    grants = db.session.execute(select(RoleGrant).where(RoleGrant.role == Role.branch_admin)).scalars().all()
    result: dict[User, list[DueStep]] = defaultdict(list)
    for grant in grants:
        if not grant.user.active:
            continue
        for step in steps:
            if step.person.id != grant.user_id and step.person.branch.path.startswith(grant.branch.path):
                if step not in result[grant.user]:
                    result[grant.user].append(step)
    return result


def _message(admin: User, steps: list[DueStep]) -> EmailMessage:
    with force_locale(admin.locale or "zh_CN"):
        lines = [_("%(name)s: %(step)s by %(date)s%(late)s", name=s.person.name, step=s.label,
                   date=s.due_by.isoformat(), late=_(" (overdue)") if s.overdue else "")
                 for s in sorted(steps, key=lambda s: (s.due_by, s.person.name))]
        msg = EmailMessage()
        msg["Subject"] = _("Development steps due in your branch")
        msg["From"] = mail.sender()
        msg["To"] = admin.email
        msg.set_content(_("Dear %(name)s,\n\nThese development steps are due within %(days)d days or overdue:\n\n",
                          name=admin.name, days=DUE_SOON_DAYS) + "\n".join(lines)
                        + "\n\n" + _("This message was sent by the Party training records site."))
    return msg


def remind_steps_due(today: date) -> DueSent:
    """Mail each branch administrator the due steps of their people (none: nothing sent)."""
    steps = steps_due(today)
    result = DueSent(steps=len(steps))
    by_admin = _admins_of(steps)
    if not by_admin:
        return result
    with mail.smtp_server() as server:
        for admin, theirs in sorted(by_admin.items(), key=lambda item: item[0].id):
            if not admin.email:
                result.no_email.append(admin.name)
                continue
            try:
                server.send_message(_message(admin, theirs))
            except smtplib.SMTPException:
                result.failed.append(admin.name)
                continue
            result.sent.append(admin.name)
    if result.sent:
        audit.record(SYSTEM, "development.remind_due", ("development_steps", None),
                     summary=f"{today.isoformat()}: {len(result.sent)}",
                     after={"steps": result.steps, "sent": len(result.sent), "no_email": len(result.no_email),
                            "failed": len(result.failed)})
    return result
