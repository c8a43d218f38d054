"""Reads of the training contact's work: whose thought report is missing, when a talk is due,
which quarterly assessments are still to write, and a quarter's talks and reports for assessing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select

from learnapp import clock
from learnapp.accounts.models import ContactAssignment, Stage, User
from learnapp.assessments.models import QUARTERS, Assessment
from learnapp.contactwork.access import REPORTING_STAGES
from learnapp.contactwork.models import PoliticalReview, ReportStatus, Talk, ThoughtReport
from learnapp.contactwork.reports import quarter_bounds, quarter_of
from learnapp.db import db
from learnapp.development import queries as development_queries
from learnapp.org.models import Branch
from learnapp.security import managed_users, visible_users

DEFAULT_TALK_INTERVAL_DAYS = 92
# Someone who became an activist in the last month of a quarter starts reporting with the next one.
FIRST_QUARTER_GRACE_DAYS = 30


def talk_interval_days() -> int:
    """The longest time between two talks with a person (setting CONTACTWORK_TALK_INTERVAL_DAYS)."""
    return int(current_app.config.get("CONTACTWORK_TALK_INTERVAL_DAYS") or DEFAULT_TALK_INTERVAL_DAYS)


def _reporting_since():
    """Subquery: user_id and the first day the person was in a stage that reports (`since`)."""
    return development_queries.entered_since(REPORTING_STAGES, "reporting")


def missing_reports_stmt(user_filter: ColumnElement[bool], year: int, quarter: int) -> Select:
    """select() of the people (User filter `user_filter`) who owe a report for the quarter and have
    not handed it in: active, in a reporting stage, reporting since a month before the quarter's
    end at the latest. Columns: user_id, name, login_id, branch_id, branch_name, stage, since."""
    last = quarter_bounds(year, quarter)[1]
    since = _reporting_since()
    handed_in = exists().where(ThoughtReport.user_id == User.id, ThoughtReport.year == year,
                               ThoughtReport.quarter == quarter, ThoughtReport.status != ReportStatus.draft)
    return (select(User.id.label("user_id"), User.name.label("name"), User.login_id.label("login_id"),
                   User.branch_id.label("branch_id"), Branch.name.label("branch_name"), User.stage.label("stage"),
                   since.c.since.label("since"))
            .join(since, since.c.user_id == User.id).join(Branch, Branch.id == User.branch_id)
            .where(User.active, User.stage.in_(REPORTING_STAGES), user_filter,
                   since.c.since <= last - timedelta(days=FIRST_QUARTER_GRACE_DAYS), ~handed_in)
            .order_by(Branch.name, User.name))


def missing_reports(actor_scope, year: int, quarter: int) -> list:
    """Rows of the people in the actor's scope (their contacts' people, their branch subtree; an
    auditor's or committee admin's: everyone) whose report for the quarter is missing. For
    reminders and lists; the actor themselves is left out."""
    condition = and_(visible_users(actor_scope), User.id != actor_scope.id)
    return db.session.execute(missing_reports_stmt(condition, year, quarter)).all()


def contacts_of(user_ids: list[int]) -> dict[int, list[str]]:
    """Names of each person's active training contacts."""
    result: dict[int, list[str]] = {}
    if not user_ids:
        return result
    rows = db.session.execute(select(ContactAssignment.learner_id, User.name).join(User, User.id == ContactAssignment.contact_id)
                              .where(ContactAssignment.learner_id.in_(user_ids), ContactAssignment.active)
                              .order_by(User.name))
    for learner_id, name in rows:
        result.setdefault(learner_id, []).append(name)
    return result


def talks_of(person: User) -> list[Talk]:
    return list(db.session.scalars(select(Talk).where(Talk.user_id == person.id)
                                   .order_by(Talk.held_on.desc(), Talk.id.desc())))


def reports_of(person: User, *, include_drafts: bool = False) -> list[ThoughtReport]:
    stmt = select(ThoughtReport).where(ThoughtReport.user_id == person.id)
    if not include_drafts:
        stmt = stmt.where(ThoughtReport.status != ReportStatus.draft)
    return list(db.session.scalars(stmt.order_by(ThoughtReport.year.desc(), ThoughtReport.quarter.desc())))


def last_quarters(today: date, n: int = 4) -> list[tuple[int, int]]:
    """The n quarters that ended last before today, newest first."""
    year, quarter = quarter_of(today)
    result = []
    for _i in range(n):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        result.append((year, quarter))
    return result


@dataclass
class PersonDue:
    """What a training contact still owes one of their people, for the home page."""

    person: object  # a row with id, name, stage
    last_talk: date | None
    next_talk: date
    talk_overdue: bool
    missing_reports: list[tuple[int, int]] = field(default_factory=list)  # ended quarters, not handed in
    current_report: bool = False  # the current quarter's report is in
    unread: int = 0  # reports handed in and not read yet
    latest_unread_id: int | None = None
    assessments_due: list[tuple[int, int]] = field(default_factory=list)


def _owes_report(since: date | None, year: int, quarter: int) -> bool:
    return since is not None and since <= quarter_bounds(year, quarter)[1] - timedelta(days=FIRST_QUARTER_GRACE_DAYS)


def _due_statement(contact_id: int, window: list[tuple[int, int]], current: tuple[int, int]) -> Select:
    """One statement for the whole panel: a row per person the contact looks after, with the last
    talk, the reporting start, a flag per quarter for the report handed in and the assessment
    written, and the unread reports. The home page's statements stay the same however many people."""
    def handed_in(year, quarter):
        return exists().where(ThoughtReport.user_id == User.id, ThoughtReport.year == year,
                              ThoughtReport.quarter == quarter, ThoughtReport.status != ReportStatus.draft)

    def assessed(year, quarter):
        return exists().where(Assessment.user_id == User.id, Assessment.year == year,
                              Assessment.period == QUARTERS[quarter - 1], Assessment.assessor_id == contact_id)

    unread = and_(ThoughtReport.user_id == User.id, ThoughtReport.status == ReportStatus.submitted)
    columns = [
        User.id.label("id"), User.name.label("name"), User.stage.label("stage"),
        ContactAssignment.created_at.label("assigned_at"),
        select(func.max(Talk.held_on)).where(Talk.user_id == User.id).scalar_subquery().label("last_talk"),
        development_queries.entered_on(User.id, REPORTING_STAGES).label("since"),
        select(func.count(ThoughtReport.id)).where(unread).scalar_subquery().label("unread"),
        select(func.max(ThoughtReport.id)).where(unread).scalar_subquery().label("latest_unread_id"),
        handed_in(*current).label("current_in"),
    ]
    for i, quarter in enumerate(window):
        columns += [handed_in(*quarter).label(f"in_{i}"), assessed(*quarter).label(f"assessed_{i}")]
    return (select(*columns).join(ContactAssignment, ContactAssignment.learner_id == User.id)
            .where(ContactAssignment.contact_id == contact_id, ContactAssignment.active, User.active)
            .order_by(User.name))


def due_for_contact(contact: User, today: date | None = None) -> list[PersonDue]:
    """Per person the contact looks after: next talk due, reports missing or unread, assessments due.
    Empty for someone who is nobody's contact (one statement either way)."""
    today = today or clock.today()
    window, current = last_quarters(today), quarter_of(today)
    interval = timedelta(days=talk_interval_days())
    result = []
    for row in db.session.execute(_due_statement(contact.id, window, current)):
        assigned_on = clock.to_local(row.assigned_at).date()
        start = row.last_talk or assigned_on
        reporting = row.stage in REPORTING_STAGES
        result.append(PersonDue(
            person=row, last_talk=row.last_talk, next_talk=start + interval, talk_overdue=start + interval < today,
            missing_reports=[q for i, q in enumerate(window)
                             if reporting and not row._mapping[f"in_{i}"] and _owes_report(row.since, *q)],
            current_report=bool(row.current_in), unread=row.unread or 0, latest_unread_id=row.latest_unread_id,
            assessments_due=[q for i, q in enumerate(window)
                             if quarter_bounds(*q)[1] >= assigned_on and not row._mapping[f"assessed_{i}"]],
        ))
    return result


@dataclass
class QuarterWork:
    """A quarter's talks and thought reports of one person, shown beside the contact's assessment."""

    year: int
    quarter: int
    talks: list[Talk]
    report: ThoughtReport | None


def quarter_work(person: User, year: int, quarter: int) -> QuarterWork:
    first, last = quarter_bounds(year, quarter)
    talks = list(db.session.scalars(select(Talk).where(Talk.user_id == person.id, Talk.held_on >= first,
                                                       Talk.held_on <= last).order_by(Talk.held_on)))
    report = db.session.scalar(select(ThoughtReport).where(
        ThoughtReport.user_id == person.id, ThoughtReport.year == year, ThoughtReport.quarter == quarter,
        ThoughtReport.status != ReportStatus.draft))
    return QuarterWork(year, quarter, talks, report)


def owes_report(person: User, year: int, quarter: int) -> bool:
    """Whether the person's report for the quarter is missing (see missing_reports_stmt)."""
    return db.session.execute(missing_reports_stmt(User.id == person.id, year, quarter)).first() is not None


def missing_reports_count(actor, year: int, quarter: int) -> int:
    """How many people the actor administers (not the actor) have not handed in the quarter's report."""
    stmt = missing_reports_stmt(managed_users(actor) & (User.id != actor.id), year, quarter).subquery()
    return db.session.scalar(select(func.count()).select_from(stmt))


def people_for_review(actor) -> list:
    """(User, concluded_on, review id) of the active development targets the actor sees (not the
    actor) and of anyone with a political review, by branch and name; the caller checks each."""
    return db.session.execute(
        select(User, PoliticalReview.concluded_on, PoliticalReview.id).outerjoin(PoliticalReview, PoliticalReview.user_id == User.id)
        .where(visible_users(actor), User.id != actor.id, User.active,
               or_(User.stage == Stage.development_target, PoliticalReview.id.is_not(None)))
        .order_by(User.branch_id, User.name)).all()
