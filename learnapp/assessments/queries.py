"""Reads for assessment records: per-person credit against the requirement, in SQL, for any scope.

`person_rows()` returns one row per active person with their year's total, online and offline credit
(the stored totals of ledger_year_totals) and their requirement (by role, else by stage, as
`YearRules.requirement_for` decides), computed in the database so a committee of 20,000 people
needs one query, not one per person. `with_status()`
adds the overall status (see status.py) as an SQL CASE that mirrors `overall_status()`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, false, func, literal, or_, select, true

from learnapp.accounts.models import ContactAssignment, Role, RoleGrant, Stage, User
from learnapp.assessments.models import Assessment
from learnapp.assessments.status import Minimums, Status, days_elapsed, days_in_year, year_is_over
from learnapp.db import db
from learnapp.ledger.models import LedgerYearTotal, TrainingYear
from learnapp.ledger.rules import NON_TRAINING_ROLES, YearRules, rules_for_year


def requirement_roles(rules: YearRules) -> list[tuple[str, int]]:
    # A role's requirement wins over the stage's; with several roles, the highest (tested first).
    return sorted(rules.requirement_by_role.items(), key=lambda kv: -kv[1])


def role_flags(rules: YearRules):
    """Subquery of one row per person holding a role that has its own requirement: `user_id` and a
    0/1 column `r0`, `r1`, … per role of `requirement_roles(rules)`. None when no role has one.

    One aggregate joined once, rather than an EXISTS per person and role: the status CASE repeats
    the requirement, and SQLite evaluated the correlated EXISTS again at every repetition."""
    roles = requirement_roles(rules)
    if not roles:
        return None
    flags = [func.max(case((RoleGrant.role == role, 1), else_=0)).label(f"r{i}") for i, (role, _v) in enumerate(roles)]
    return (select(RoleGrant.user_id.label("user_id"), *flags)
            .where(RoleGrant.role.in_([role for role, _v in roles])).group_by(RoleGrant.user_id).subquery("roles"))


def requirement_sql(rules: YearRules, roles=None) -> ColumnElement[int]:
    """The requirement of the `User` row in scope, as YearRules.requirement_for computes it.
    `roles` is `role_flags(rules)`, outer-joined on User.id by the caller (needed when any role
    has a requirement of its own)."""
    stage_values = {s.value: rules.requirement_by_stage[s.value] for s in Stage if s.value in rules.requirement_by_stage}
    by_stage: ColumnElement[int] = (
        case(*[(User.stage == Stage(s), v) for s, v in stage_values.items()], else_=rules.requirement_default)
        if stage_values else literal(rules.requirement_default)
    )
    role_items = requirement_roles(rules)
    if not role_items:
        return by_stage
    if roles is None:
        raise ValueError("the year's rules give roles a requirement: join role_flags(rules) and pass it")
    whens = [(roles.c[f"r{i}"] == 1, value) for i, (_role, value) in enumerate(role_items)]
    return case(*whens, else_=by_stage)


def in_training_sql(rules: YearRules) -> ColumnElement[bool]:
    """The `User` row in scope owes the year's study hours: YearRules.owes_hours() in SQL."""
    exempt = select(RoleGrant.user_id).where(RoleGrant.role.in_([Role(r) for r in sorted(NON_TRAINING_ROLES)]))
    condition = User.id.not_in(exempt)
    owing = [Role(r) for r in sorted(rules.requirement_by_role) if r in Role.__members__]
    if owing:
        condition = or_(condition, User.id.in_(select(RoleGrant.user_id).where(RoleGrant.role.in_(owing))))
    return condition


def minimums(rules: YearRules) -> Minimums:
    return Minimums(online=rules.min_online, offline=rules.min_offline)


def is_closed(year: int) -> bool:
    return bool(db.session.scalar(select(TrainingYear.closed).where(TrainingYear.year == year)))


def person_rows(year: int, user_filter: ColumnElement[bool] | None = None, *, stage: Stage | str | None = None,
                rules: YearRules | None = None) -> Select:
    """select() of the active people in training (see in_training_sql) with user_id, branch_id, stage, name, login_id, email, total, online,
    offline and requirement (hundredths) for the year. `user_filter` is a condition on User.

    The figures are the stored per-person totals (ledger_year_totals, kept by triggers), joined on
    their primary key: no sum over the year's entries."""
    rules = rules or rules_for_year(year)
    condition = user_filter if user_filter is not None else true()
    t = LedgerYearTotal
    roles = role_flags(rules)
    stmt = (
        select(
            User.id.label("user_id"), User.branch_id.label("branch_id"), User.stage.label("stage"),
            User.name.label("name"), User.login_id.label("login_id"), User.email.label("email"),
            func.coalesce(t.total_hundredths, 0).label("total"),
            func.coalesce(t.online_hundredths, 0).label("online"),
            func.coalesce(t.offline_hundredths, 0).label("offline"),
            requirement_sql(rules, roles).label("requirement"),
        )
        .outerjoin(t, and_(t.user_id == User.id, t.year == year))
        .where(User.active, in_training_sql(rules), condition)
    )
    if roles is not None:
        stmt = stmt.outerjoin(roles, roles.c.user_id == User.id)
    if stage:
        stmt = stmt.where(User.stage == Stage(stage))
    return stmt


class StatusColumns:
    """SQL expressions of the status over a subquery of person_rows() (see status.py)."""

    def __init__(self, people, year: int, today: date, rules: YearRules, closed: bool):
        c = people.c
        parts = [c.total >= c.requirement]
        mins = minimums(rules)
        if mins.online is not None:
            parts.append(c.online >= mins.online)
        if mins.offline is not None:
            parts.append(c.offline >= mins.offline)
        self.complete = and_(*parts)
        over = year_is_over(year, today, closed)
        # Integers only: credit × days ≥ requirement × elapsed  ⇔  credit ≥ the pace line.
        on_pace = c.total * days_in_year(year) >= c.requirement * days_elapsed(year, today)
        self.not_met = and_(~self.complete, true() if over else false())
        self.behind = and_(~self.complete, false() if over else ~on_pace)
        self.on_track = and_(~self.complete, false() if over else on_pace)
        self.status = case(
            (self.complete, Status.complete.value),
            (self.not_met, Status.not_met.value),
            (self.on_track, Status.on_track.value),
            else_=Status.behind.value,
        )

    def where(self, status: Status | str) -> ColumnElement[bool]:
        return {"complete": self.complete, "not_met": self.not_met, "on_track": self.on_track,
                "behind": self.behind}[Status(status).value]


def with_status(year: int, user_filter: ColumnElement[bool] | None, today: date, *, stage=None,
                status: Status | str | None = None) -> tuple[Select, object]:
    """(select of person_rows columns + `status`, the subquery) filtered by stage and status."""
    rules = rules_for_year(year)
    people = person_rows(year, user_filter, stage=stage, rules=rules).subquery("people")
    cols = StatusColumns(people, year, today, rules, is_closed(year))
    stmt = select(people, cols.status.label("status"))
    if status:
        stmt = stmt.where(cols.where(status))
    return stmt, people


def assessments_for(user_id: int, year: int) -> list[Assessment]:
    """The person's manual assessments of the year, in period order."""
    order = {p: i for i, p in enumerate(["q1", "q2", "h1", "q3", "q4", "h2", "year"])}
    rows = list(db.session.scalars(
        select(Assessment).where(Assessment.user_id == user_id, Assessment.year == year).order_by(Assessment.id)
    ))
    return sorted(rows, key=lambda a: (order[a.period.value], a.id))


def latest_grades(user_ids, year: int) -> Select:
    """select() of (user_id, period, grade, assessor_role) for many people (exports, lists)."""
    return (select(Assessment.user_id, Assessment.period, Assessment.grade, Assessment.assessor_role)
            .where(Assessment.year == year, Assessment.user_id.in_(user_ids))
            .order_by(Assessment.user_id, Assessment.id))


def parse_year(raw, default: int) -> int:
    """A year from a query parameter; anything odd falls back to `default`."""
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


def years_choice(today_year: int, user_id: int | None = None) -> list[int]:
    """Years offered in the year pickers: those with study hours or assessments (of the person,
    with `user_id`) and the current year, newest first."""
    ledger = select(LedgerYearTotal.year).distinct()
    graded = select(Assessment.year).distinct()
    if user_id is not None:
        ledger, graded = ledger.where(LedgerYearTotal.user_id == user_id), graded.where(Assessment.user_id == user_id)
    years = set(db.session.scalars(ledger.union(graded))) | {today_year}
    return sorted((y for y in years if 2000 <= y <= today_year + 1), reverse=True)


def learners_with_status(contact, year: int, today) -> list:
    """The `with_status` rows of the people the contact looks after now, by name."""
    learners = select(ContactAssignment.learner_id).where(ContactAssignment.contact_id == contact.id,
                                                          ContactAssignment.active)
    stmt, people = with_status(year, User.id.in_(learners), today)
    return db.session.execute(stmt.order_by(people.c.name)).all()
