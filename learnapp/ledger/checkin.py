"""Attendees checking themselves in: the six-digit code typed in, or the projector's QR link.

A six-digit code can be guessed, so wrong codes are counted in the database (shared by all
workers, kept across restarts): per person over a window (CHECKIN_PERSON_MAX_FAILURES per
CHECKIN_PERSON_WINDOW_MINUTES), and per activity since its code was made, counting the wrong
codes of everyone the code could have let in (the invited people of activities taking place
then). At CHECKIN_ACTIVITY_MAX_FAILURES the activity's code is locked until one of its admins
makes a new one (audited). Every wrong code is audited.

The QR link carries a signed token naming the activity and the code it was made for, valid for
CHECKIN_QR_MAX_AGE_SECONDS: it cannot be guessed, so it is not locked with the code, and a new
code ends the old links.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from sqlalchemy import delete, func, select, update

from learnapp import audit, clock
from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.ledger.activities import (
    CHECKIN_SLACK_MINUTES,
    Change,
    audience_filter,
    find_by_code,
    make_code,
    set_attendance,
)
from learnapp.ledger.offline_models import Activity, AttendanceMethod, CheckinFailure
from learnapp.security import can_manage_branch


@dataclass
class Outcome:
    """What a check-in came to: the activity and the attendance change, or why it was refused.
    A refusal is returned, not raised, so the wrong code it records is committed with it."""

    activity: Activity | None = None
    change: Change | None = None
    refusal: DomainError | None = None


def _setting(name: str) -> int:
    return int(current_app.config[name])


def _normalise(code: str | None) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())[:12]


def _person_throttled(user: User) -> bool:
    since = clock.now() - timedelta(minutes=_setting("CHECKIN_PERSON_WINDOW_MINUTES"))
    failures = db.session.scalar(select(func.count(CheckinFailure.id))
                                 .where(CheckinFailure.user_id == user.id, CheckinFailure.at >= since))
    return failures >= _setting("CHECKIN_PERSON_MAX_FAILURES")


def _throttled_refusal() -> DomainError:
    return DomainError(_("Too many wrong codes: wait %(minutes)d minutes, or scan the QR code on the screen.",
                         minutes=_setting("CHECKIN_PERSON_WINDOW_MINUTES")), "code")


def taking_place_for(user: User, activity: Activity) -> bool:
    """The activity takes place now (with the slack either side) and the person is invited."""
    now_local = clock.to_local(clock.now()).replace(tzinfo=None)
    window = activity.schedule.window_on(now_local.date(), CHECKIN_SLACK_MINUTES)
    if activity.cancelled or not window or not window[0] <= now_local <= window[1]:
        return False
    return db.session.scalar(select(User.id).where(User.id == user.id, audience_filter(activity))) is not None


def _open_to(user: User) -> list[Activity]:
    """Activities whose code could let this person in right now: what their guess aims at."""
    today = clock.today()
    candidates = db.session.scalars(
        select(Activity).where(Activity.cancelled.is_(False), Activity.checkin_locked_at.is_(None),
                               Activity.start_date <= today + timedelta(days=1),
                               Activity.end_date >= today - timedelta(days=1)).order_by(Activity.id)).all()
    return [a for a in candidates if taking_place_for(user, a)]


def _record_failure(user: User, what: str, activities: list[Activity], **details) -> None:
    now = clock.now()
    window = timedelta(minutes=_setting("CHECKIN_PERSON_WINDOW_MINUTES"))
    db.session.execute(delete(CheckinFailure).where(CheckinFailure.user_id == user.id, CheckinFailure.at < now - window))
    db.session.add(CheckinFailure(user_id=user.id, at=now))
    limit = _setting("CHECKIN_ACTIVITY_MAX_FAILURES")
    for activity in activities:
        count = db.session.execute(update(Activity).where(Activity.id == activity.id)
                                   .values(checkin_failures=Activity.checkin_failures + 1)
                                   .returning(Activity.checkin_failures)).scalar_one()
        if count >= limit and activity.checkin_locked_at is None:
            activity.checkin_locked_at = now
            audit.record(user, "activity.code_locked", activity, branch=activity.branch,
                         summary=f"{activity.title}: {count} wrong check-in codes, code locked",
                         after={"failures": count})
    db.session.flush()
    audit.record(user, what, user, branch=user.branch, summary=f"{user.name}: {what}",
                 after={"activities": [a.id for a in activities], **details})


def check_in_with_code(user: User, code: str) -> Outcome:
    """An attendee types the code shown during the activity."""
    if _person_throttled(user):
        return Outcome(refusal=_throttled_refusal())
    code = _normalise(code)
    activity = find_by_code(user, code) if len(code) == 6 else None
    if activity is None:
        _record_failure(user, "checkin.failed", _open_to(user), code=code)
        return Outcome(refusal=DomainError(_("No activity you are invited to is taking place with this code right now."),
                                           "code"))
    if activity.checkin_locked_at is not None:
        return Outcome(activity, refusal=DomainError(
            _("Check-in by code is locked for this activity after too many wrong codes: scan the QR code on the "
              "screen, or ask the organiser for a new code."), "code"))
    return Outcome(activity, _attend(user, activity))


def _attend(user: User, activity: Activity) -> Change | None:
    change = set_attendance(user, activity, user, True, AttendanceMethod.checkin, self_checkin=True)
    if change is not None and can_manage_branch(user, activity.branch):
        # Checking in is every attendee's own act, organisers' too; but an organiser sees the code
        # and could check in without coming, so their check-ins are on the record.
        audit.record(user, "attendance.checkin_by_organiser", activity, branch=activity.branch,
                     summary=f"{activity.title}: {user.name}", after={"credit_hundredths": change.credit})
    return change


def rotate_code(actor, activity: Activity) -> str:
    """A new code for the activity (e.g. after it was locked or passed around): the old code and
    the QR links made for it stop working, the count of wrong codes starts again. Audited."""
    if not can_manage_branch(actor, activity.branch):
        raise DomainError(_("You may not change this activity."))
    before = {"failures": activity.checkin_failures, "locked": activity.checkin_locked_at is not None}
    activity.checkin_code = make_code()
    activity.checkin_failures = 0
    activity.checkin_locked_at = None
    db.session.flush()
    audit.record(actor, "activity.new_code", activity, branch=activity.branch, summary=activity.title,
                 before=before, after={"failures": 0, "locked": False})
    return activity.checkin_code


# --- QR links ------------------------------------------------------------------------------------

class _ClockSigner(TimestampSigner):
    """Timestamps from learnapp's clock, so tests move time instead of sleeping."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _signer() -> _ClockSigner:
    return _ClockSigner(current_app.config["SECRET_KEY"], salt="learnapp-checkin-qr")


def _code_tag(activity: Activity) -> str:
    # Binds the link to the code in force: a new code ends the links made before it.
    return hashlib.sha256(f"{activity.id}:{activity.checkin_code}".encode()).hexdigest()[:12]


def qr_token(activity: Activity) -> str:
    """A fresh signed token for the projector's QR link."""
    return _signer().sign(f"{activity.id}.{_code_tag(activity)}").decode("ascii")


class BadLink(DomainError):
    """A check-in link that was never made by the site (forged or mangled): counted like a wrong code."""


def token_activity(token: str) -> Activity:
    """The activity a QR token names; DomainError when it expired or the code was renewed since,
    BadLink when the site never signed it."""
    try:
        value = _signer().unsign(token, max_age=_setting("CHECKIN_QR_MAX_AGE_SECONDS")).decode("ascii")
    except SignatureExpired:
        raise DomainError(_("This check-in QR code has expired: scan the code on the screen again."), "token") from None
    except (BadSignature, UnicodeError):
        raise BadLink(_("This is not a valid check-in link."), "token") from None
    activity_id, _sep, tag = value.partition(".")
    activity = db.session.get(Activity, int(activity_id)) if activity_id.isdigit() else None
    if activity is None or tag != _code_tag(activity):
        raise DomainError(_("This check-in QR code is no longer valid: the organiser made a new code. Scan the code "
                            "on the screen again."), "token")
    return activity


def check_in_with_token(user: User, token: str) -> Outcome:
    """An attendee opened the projector's QR link (signed in) and confirmed."""
    try:
        activity = token_activity(token)
    except BadLink as refusal:
        if _person_throttled(user):
            return Outcome(refusal=_throttled_refusal())
        _record_failure(user, "checkin.bad_link", [], token=token[:80])
        return Outcome(refusal=refusal)
    except DomainError as refusal:
        return Outcome(refusal=refusal)
    if not taking_place_for(user, activity):
        return Outcome(activity, refusal=DomainError(
            _("You are not invited to “%(title)s”, or it is not taking place now.", title=activity.title), "token"))
    return Outcome(activity, _attend(user, activity))
