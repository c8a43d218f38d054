"""Writes of talks (谈心谈话): recorded by the contact or the branch, audited with before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from learnapp import audit, clock
from learnapp.accounts.models import User
from learnapp.contactwork.access import can_record_talk
from learnapp.contactwork.models import Talk, TalkForm, TalkKind
from learnapp.db import db
from learnapp.development.history import record_history
from learnapp.errors import DomainError


class NotAllowed(Exception):
    """The actor may not do this to the person (the view answers 403 or 404)."""


MAX_TOPICS = 300
MAX_TEXT = 5000
MAX_PLACE = 120


@dataclass
class TalkInput:
    held_on: date | None
    place: str
    form: TalkForm | str | None
    topics: str
    summary: str
    follow_up: str = ""
    kind: TalkKind | str = TalkKind.regular


def _checked(person: User, data: TalkInput) -> dict:
    """The talk's values, stripped and checked; every problem named by its field."""
    reasons = []
    today = clock.today()
    if data.held_on is None:
        reasons.append(("held_on", _("Give the date of the talk.")))
    elif data.held_on > today:
        reasons.append(("held_on", _("The talk cannot be in the future: record it after it took place.")))
    elif data.held_on < today - timedelta(days=366 * 5):
        reasons.append(("held_on", _("The date is more than five years ago; check the year.")))
    try:
        form = TalkForm(data.form)
    except ValueError:
        form = None
        reasons.append(("form", _("Choose how the talk was held.")))
    try:
        kind = TalkKind(data.kind or TalkKind.regular)
    except ValueError:
        kind = TalkKind.regular
        reasons.append(("kind", _("Choose the kind of talk.")))
    place, topics = (data.place or "").strip(), (data.topics or "").strip()
    summary, follow_up = (data.summary or "").strip(), (data.follow_up or "").strip()
    if len(place) > MAX_PLACE:
        reasons.append(("place", _("At most %(n)d characters.", n=MAX_PLACE)))
    if not topics:
        reasons.append(("topics", _("Say what the talk was about.")))
    elif len(topics) > MAX_TOPICS:
        reasons.append(("topics", _("At most %(n)d characters.", n=MAX_TOPICS)))
    if not summary:
        reasons.append(("summary", _("Write a short summary of the talk.")))
    for name, value in (("summary", summary), ("follow_up", follow_up)):
        if len(value) > MAX_TEXT:
            reasons.append((name, _("At most %(n)d characters.", n=MAX_TEXT)))
    if reasons:
        raise DomainError(reasons)
    return {"held_on": data.held_on, "place": place, "form": form, "kind": kind, "topics": topics,
            "summary": summary, "follow_up": follow_up}


def record_talk(actor, person: User, data: TalkInput) -> Talk:
    """Record a talk the actor (the person's contact or a branch admin) held with the person."""
    if not can_record_talk(actor, person):
        raise NotAllowed()
    values = _checked(person, data)
    talk = Talk(user_id=person.id, recorded_by_id=actor.id, **values)
    db.session.add(talk)
    db.session.flush()
    audit.record(actor, "talk.create", talk, branch=person.branch,
                 summary=f"{person.name} · {talk.held_on.isoformat()} · {talk.kind.label}", after=talk.snapshot())
    if talk.kind == TalkKind.after_application and not any(
            step.code == "application_talk" for step in person.development_steps):
        # The talk after the application is step 2 of the development file. Recorded as it happened,
        # late or not: `flask development check` and the compliance report list a late one.
        record_history(actor, person, "application_talk", talk.held_on, source="site",
                       note=_("Recorded with the talk of %(day)s.", day=talk.held_on.isoformat()))
    return talk


def can_change_talk(actor, talk: Talk) -> bool:
    """Whoever may record talks with the person now (the recorder loses it with the assignment)."""
    return can_record_talk(actor, talk.user)


def update_talk(actor, talk: Talk, data: TalkInput) -> Talk:
    """Correct a talk's record (audited with before and after)."""
    if not can_change_talk(actor, talk):
        raise NotAllowed()
    values = _checked(talk.user, data)
    before = talk.snapshot()
    for name, value in values.items():
        setattr(talk, name, value)
    if talk.snapshot() == before:
        return talk
    talk.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, "talk.update", talk, branch=talk.user.branch,
                 summary=f"{talk.user.name} · {talk.held_on.isoformat()}", before=before, after=talk.snapshot())
    return talk


def delete_talk(actor, talk: Talk, *, reason: str) -> None:
    """Remove a talk recorded by mistake; the audit log keeps what it said and why it went."""
    if not can_change_talk(actor, talk):
        raise NotAllowed()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for deleting."), "reason")
    audit.record(actor, "talk.delete", talk, branch=talk.user.branch,
                 summary=f"{talk.user.name} · {talk.held_on.isoformat()}", before=talk.snapshot(), reason=reason[:500])
    db.session.delete(talk)
    db.session.flush()
