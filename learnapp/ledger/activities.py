"""Offline activities organised by a branch, and attendance: roster, sign-in sheet or check-in code
(the attendee's own check-in, by code or QR link, is in checkin.py).

Marking someone present credits them by the rules of the year(s) the activity falls in; marking
them absent afterwards reverses that credit with a reason. Both are audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, String, and_, func, literal, or_, select

from learnapp import audit, clock
from learnapp.accounts.models import Stage, User
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.ledger import queries
from learnapp.ledger.models import OFFLINE_CATEGORIES, Category
from learnapp.ledger.offline_credit import compute_credit
from learnapp.ledger.offline_models import Activity, Attendance, AttendanceMethod
from learnapp.ledger.schedule import Schedule
from learnapp.ledger.services import ensure_year_open, grant, reverse
from learnapp.org.models import Branch
from learnapp.security import (
    admin_paths,
    branch_ids_under,
    can_manage_branch,
    can_manage_user,
    is_system,
    managed_branches,
    managed_users,
)

CHECKIN_SLACK_MINUTES = 30


def _snapshot(activity: Activity) -> dict:
    return {
        "title": activity.title, "category": activity.category, "start_date": activity.start_date,
        "end_date": activity.end_date, "start_time": activity.start_time.strftime("%H:%M"),
        "end_time": activity.end_time.strftime("%H:%M"), "place": activity.place, "organiser": activity.organiser,
        "audience": [b.name for b in activity.audience_branches], "stages": activity.stages,
        "cancelled": activity.cancelled,
    }


def make_code() -> str:
    """A fresh six-digit check-in code."""
    return f"{secrets.randbelow(1_000_000):06d}"


def _check(actor, *, branch: Branch, category, title: str, audience: list[Branch], stages: list[str]):
    reasons = []
    if not can_manage_branch(actor, branch):
        reasons.append(("branch_id", _("You may only organise activities of branches you administer.")))
    try:
        category = Category(category)
        if category not in OFFLINE_CATEGORIES:
            raise ValueError
    except ValueError:
        reasons.append(("category", _("Choose the kind of activity.")))
    title = (title or "").strip()
    if not title or len(title) > 200:
        reasons.append(("title", _("Enter a title of at most 200 characters.")))
    if not audience:
        reasons.append(("audience", _("Choose at least one branch as the audience.")))
    elif any(not can_manage_branch(actor, b) for b in audience):
        reasons.append(("audience", _("The audience may only include branches you administer.")))
    if any(s not in {x.value for x in Stage} for s in stages):
        reasons.append(("stages", _("Unknown stage.")))
    if reasons:
        raise DomainError(reasons)
    return category, title


def create_activity(actor, *, branch: Branch, category, title: str, schedule: Schedule, place: str | None = None,
                    organiser: str | None = None, description: str | None = None,
                    audience: list[Branch] | None = None, stages: list[str] = ()) -> Activity:
    """Schedule an activity of a branch the actor administers (audited)."""
    audience = audience or [branch]
    category, title = _check(actor, branch=branch, category=category, title=title, audience=audience, stages=list(stages))
    activity = Activity(branch=branch, category=category, title=title, place=(place or "").strip() or None,
                        organiser=(organiser or "").strip() or None, description=(description or "").strip() or None,
                        start_date=schedule.start_date, end_date=schedule.end_date, start_time=schedule.start_time,
                        end_time=schedule.end_time, audience_stages=",".join(stages), checkin_code=make_code(),
                        created_by_id=getattr(actor, "id", None), created_at=clock.now())
    activity.audience_branches = list(audience)
    db.session.add(activity)
    db.session.flush()
    audit.record(actor, "activity.create", activity, branch=branch, summary=title, after=_snapshot(activity))
    return activity


def has_attendance(activity: Activity) -> bool:
    return db.session.scalar(select(Attendance.id).where(Attendance.activity_id == activity.id).limit(1)) is not None


def update_activity(actor, activity: Activity, *, category, title: str, schedule: Schedule, place: str | None,
                    organiser: str | None, description: str | None, audience: list[Branch], stages: list[str]) -> None:
    """Edit an activity. Once attendance is recorded its kind and time are fixed (credit follows them)."""
    category, title = _check(actor, branch=activity.branch, category=category, title=title, audience=audience,
                             stages=list(stages))
    if has_attendance(activity) and (category != activity.category or schedule != activity.schedule):
        raise DomainError(_("Attendance is already recorded: the kind, dates and times can no longer change."), "category")
    before = _snapshot(activity)
    activity.category, activity.title = category, title
    activity.place = (place or "").strip() or None
    activity.organiser = (organiser or "").strip() or None
    activity.description = (description or "").strip() or None
    activity.start_date, activity.end_date = schedule.start_date, schedule.end_date
    activity.start_time, activity.end_time = schedule.start_time, schedule.end_time
    activity.audience_branches = list(audience)
    activity.audience_stages = ",".join(stages)
    db.session.flush()
    audit.record(actor, "activity.update", activity, branch=activity.branch, summary=title, before=before,
                 after=_snapshot(activity))


def cancel_activity(actor, activity: Activity) -> None:
    if not can_manage_branch(actor, activity.branch):
        raise DomainError(_("You may not change this activity."))
    if db.session.scalar(select(Attendance.id).where(Attendance.activity_id == activity.id, Attendance.present).limit(1)):
        raise DomainError(_("People attended this activity: correct the attendance first."))
    activity.cancelled = True
    db.session.flush()
    audit.record(actor, "activity.cancel", activity, branch=activity.branch, summary=activity.title)


def audience_filter(activity: Activity):
    """Condition on User: active people of the audience branches' subtrees (and stages, if set)."""
    paths = [b.path for b in activity.audience_branches]
    in_branches = User.branch_id.in_(select(Branch.id).where(or_(*[Branch.path.startswith(p, autoescape=True) for p in paths])))
    clause = and_(User.active, in_branches)
    if activity.stages:
        clause = and_(clause, User.stage.in_(activity.stages))
    return clause


def attended_by_members_of(actor) -> ColumnElement[bool]:
    """Filter on Activity: activities (of any branch, e.g. the committee's) that people of the
    actor's subtrees attended, which a branch admin may look at without managing them."""
    members = User.branch_id.in_(branch_ids_under(admin_paths(actor)))
    return Activity.id.in_(select(Attendance.activity_id).join(User, User.id == Attendance.user_id)
                           .where(Attendance.present, members))


def members_present(activity: Activity, actor) -> Select:
    """The actor's people who attended `activity` (read-only view of someone else's activity)."""
    return (select(User, Attendance).join(Attendance, Attendance.user_id == User.id)
            .where(Attendance.activity_id == activity.id, Attendance.present,
                   User.branch_id.in_(branch_ids_under(admin_paths(actor))))
            .order_by(User.branch_id, User.login_id))


def roster(activity: Activity, actor) -> Select:
    """The audience the actor may record attendance for, with their attendance row (if any).

    The actor's own row is listed too (nobody manages themselves): shown, but set_attendance
    refuses to change it, so another administrator records it."""
    return (
        select(User, Attendance)
        .outerjoin(Attendance, and_(Attendance.user_id == User.id, Attendance.activity_id == activity.id))
        .where(or_(audience_filter(activity), Attendance.id.is_not(None)),
               or_(managed_users(actor), User.id == actor.id))
        .order_by(User.branch_id, User.login_id)
    )


def roster_rows(activity: Activity, actor) -> list:
    """The rows of `roster(activity, actor)`: (User, Attendance or None)."""
    return db.session.execute(roster(activity, actor)).all()


def members_present_rows(activity: Activity, actor) -> list:
    """The rows of `members_present(activity, actor)`: (User, Attendance)."""
    return db.session.execute(members_present(activity, actor)).all()


def attended_by_members(actor, activity: Activity) -> bool:
    """Whether people of the actor's subtrees attended `activity` (see attended_by_members_of)."""
    return db.session.scalar(select(Activity.id).where(Activity.id == activity.id, attended_by_members_of(actor))) is not None


def activities_to_list(actor, since: date | None, limit: int = 300) -> list:
    """(Activity, people present) of the branches the actor manages and those its people attended,
    the latest first; from `since` (None: every year)."""
    present = (select(Attendance.activity_id, func.count(Attendance.id).label("n"))
               .where(Attendance.present).group_by(Attendance.activity_id).subquery())
    stmt = (select(Activity, func.coalesce(present.c.n, 0)).join(Branch, Branch.id == Activity.branch_id)
            .outerjoin(present, present.c.activity_id == Activity.id)
            .where(or_(managed_branches(actor), attended_by_members_of(actor)))
            .order_by(Activity.start_date.desc(), Activity.id.desc()))
    if since is not None:
        stmt = stmt.where(Activity.start_date >= since)
    return db.session.execute(stmt.limit(limit)).all()


def _credit(actor, activity: Activity, attendance: Attendance) -> int:
    total = 0
    for portion in compute_credit(activity.category, activity.schedule):
        entry = grant(actor, attendance.user_id, category=activity.category, credit_hundredths=portion.credit,
                      occurred_on=portion.first_day, source_type="activity", source_id=activity.id,
                      minutes=portion.minutes, allow_future=True,
                      dedupe_key=f"activity:{activity.id}:u{attendance.user_id}:g{attendance.generation}:y{portion.year}")
        total += entry.credit_hundredths if entry else 0
    return total


def _is_self(actor, user: User) -> bool:
    return not is_system(actor) and actor.id == user.id


@dataclass
class Change:
    user: User
    present: bool
    credit: int = 0


def set_attendance(actor, activity: Activity, user: User, present: bool, method: AttendanceMethod | str,
                   reason: str | None = None, *, self_checkin: bool = False) -> Change | None:
    """Mark one person present or absent; credit follows. None when nothing changes."""
    method = AttendanceMethod(method)
    if activity.cancelled:
        raise DomainError(_("The activity was cancelled."))
    if activity.start_date > clock.today():
        raise DomainError(_("The activity has not started yet: attendance can be recorded from its first day."))
    if not self_checkin and not _is_self(actor, user) and not can_manage_user(actor, user):
        raise DomainError(_("%(name)s is not in a branch you administer.", name=user.name))
    for year in activity.schedule.minutes_by_year():
        ensure_year_open(year)
    row = db.session.execute(select(Attendance).where(Attendance.activity_id == activity.id, Attendance.user_id == user.id)
                             .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if row is None and not present:
        return None
    if row is not None and row.present == present:
        return None
    if not self_checkin and _is_self(actor, user):
        # Crediting oneself by ticking one's own name (or listing it on a sheet) is what the
        # review found: another administrator, e.g. the committee, records it instead.
        raise DomainError(_("You cannot record your own attendance; another administrator (e.g. the committee) must "
                            "record it."), "present")
    change = Change(user, present)
    if row is None:
        row = Attendance(activity_id=activity.id, user_id=user.id, present=True, method=method, generation=1,
                         recorded_by_id=getattr(actor, "id", None), recorded_at=clock.now())
        db.session.add(row)
        db.session.flush()
        change.credit = _credit(actor, activity, row)
    elif present:
        row.present, row.method, row.generation = True, method, row.generation + 1
        row.recorded_by_id, row.recorded_at = getattr(actor, "id", None), clock.now()
        db.session.flush()
        change.credit = _credit(actor, activity, row)
    else:
        reason = (reason or "").strip()
        if not reason:
            raise DomainError(_("Give the reason for correcting the attendance."), "reason")
        for entry in queries.unreversed_entries(user.id, "activity", str(activity.id)):
            if entry.credit_hundredths:
                reverse(actor, entry, reason)
                change.credit -= entry.credit_hundredths
        row.present = False
        row.recorded_by_id, row.recorded_at = getattr(actor, "id", None), clock.now()
        db.session.flush()
    if not self_checkin:
        audit.record(actor, "attendance.set", row, branch=user.branch,
                     summary=f"{activity.title}: {user.name} {'present' if present else 'absent'}",
                     after={"activity": activity.id, "user": user.login_id, "present": present, "method": method,
                            "credit_hundredths": change.credit, "reason": reason})
    return change


def record_roster(actor, activity: Activity, present_ids: set[int], reason: str | None = None) -> list[Change]:
    """Apply a ticked roster: ticked people present, unticked ones who were present become absent."""
    changes = []
    people = db.session.execute(roster(activity, actor)).all()
    # One's own row is shown but cannot be ticked (set_attendance refuses it): left unticked, it is
    # left as it is, whoever recorded it.
    people = [(u, a) for u, a in people if not (_is_self(actor, u) and u.id not in present_ids)]
    removing = [u for u, a in people if a is not None and a.present and u.id not in present_ids]
    if removing and not (reason or "").strip():
        names = ", ".join(u.name for u in removing[:5])
        raise DomainError(_("Give the reason for removing %(names)s from the attendance.", names=names), "reason")
    # In person order, whatever the roster's display order: on PostgreSQL each grant row-locks the
    # person's ledger_year_totals row, and two rosters locking the same people in different orders
    # could deadlock.
    for user, _attendance in sorted(people, key=lambda row: row[0].id):
        change = set_attendance(actor, activity, user, user.id in present_ids, AttendanceMethod.roster, reason)
        if change:
            changes.append(change)
    return changes


def find_by_code(user: User, code: str) -> Activity | None:
    """The activity taking place now (with 30 minutes either side) whose code this is, if the person is invited."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    now_local = clock.to_local(clock.now()).replace(tzinfo=None)
    today = now_local.date()
    candidates = db.session.scalars(
        select(Activity).where(Activity.checkin_code == code, Activity.cancelled.is_(False),
                               Activity.start_date <= today + timedelta(days=1),
                               Activity.end_date >= today - timedelta(days=1))
    ).all()
    for activity in candidates:
        window = activity.schedule.window_on(today, CHECKIN_SLACK_MINUTES)
        if window and window[0] <= now_local <= window[1]:
            invited = db.session.scalar(select(User.id).where(User.id == user.id, audience_filter(activity)))
            if invited:
                return activity
    return None


def upcoming_for(user: User, *, within_days: int = 31, limit: int = 5) -> list[Activity]:
    """Activities the person is invited to (their branch or one above it in the audience, their
    stage if the activity names stages) from today to `within_days` ahead, not cancelled and not
    attended yet, soonest first: one statement (the home page's next steps)."""
    today = clock.today()
    audience = Activity.__table__.metadata.tables["activity_audience_branches"]
    invited = (select(audience.c.activity_id).join(Branch, Branch.id == audience.c.branch_id)
               .where(literal(user.branch.path, String).like(Branch.path + "%")))
    stage = f"%{user.stage}%" if user.stage else ""
    attended = select(Attendance.activity_id).where(Attendance.user_id == user.id, Attendance.present)
    stmt = (select(Activity).where(Activity.cancelled.is_(False), Activity.end_date >= today,
                                   Activity.start_date <= today + timedelta(days=within_days),
                                   Activity.id.in_(invited), Activity.id.not_in(attended),
                                   or_(Activity.audience_stages == "", Activity.audience_stages.like(stage)))
            .order_by(Activity.start_date, Activity.start_time, Activity.id).limit(limit))
    return list(db.session.scalars(stmt))


def attendance_count(activity: Activity) -> int:
    return db.session.scalar(select(func.count(Attendance.id)).where(Attendance.activity_id == activity.id,
                                                                      Attendance.present)) or 0
