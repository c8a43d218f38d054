"""What the training contacts' work lacks, per person and quarter, stored (contact_work_gaps): the
thought reports not handed in and the quarterly assessments a training contact has not written.
The compliance report (contactwork.compliance) reads the ended quarters' rows instead of checking
every person in a reporting stage, as development/stored.py does for the files' findings.

Rows are kept for every quarter up to a horizon (the state row: the end of the year after the
rebuild; the weekly job `flask jobs remind` moves it on with `keep_ahead`), the quarters still running and to come included: whether one of them lacks something
depends only on the records, and a reader asks only for ended quarters. What a person's rows
depend on: their thought reports, assessments, training contacts (assignments), development steps
(the day they began reporting), stage and standing. A session listener (`before_flush`) notes every
person such a change concerns; `refresh_pending` recomputes them before the commit and when a
reader reads. The contact's name is read with the rows. Without the state row, or for a quarter
after the horizon, the readers run the statements below over everyone: slower, never wrong.
`flask development check --rebuild` (development.stored.rebuild) rebuilds these rows too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    and_,
    case,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased, attributes

from learnapp import clock
from learnapp.accounts.models import ContactAssignment, User
from learnapp.assessments.models import QUARTERS, Assessment
from learnapp.contactwork.access import REPORTING_STAGES
from learnapp.contactwork.models import (
    ContactWorkGap,
    ContactWorkGapsState,
    ReportStatus,
    ThoughtReport,
)
from learnapp.contactwork.queries import FIRST_QUARTER_GRACE_DAYS
from learnapp.contactwork.reports import quarter_bounds, quarter_of
from learnapp.db import db
from learnapp.development.check import PERSON_COLUMNS
from learnapp.development.models import DevelopmentStep
from learnapp.development.queries import entered_since
from learnapp.person_store import PersonStore

PERSON_FIELDS = ("stage", "active")
CHUNK = 500


# --- the statements: who lacks what, for given quarters ------------------------------------------

def quarters_table(quarters: list[tuple[int, int]]):
    """The quarters looked at as a derived table: year, quarter, period (an assessment's), the day
    a contact must have been assigned before, and the latest day one may have started reporting."""
    created = ContactAssignment.__table__.c.created_at.type
    rows = []
    for year, quarter in quarters:
        last = quarter_bounds(year, quarter)[1]
        rows.append(select(literal(year, Integer).label("year"), literal(quarter, Integer).label("quarter"),
                           literal(QUARTERS[quarter - 1], Assessment.__table__.c.period.type).label("period"),
                           literal(datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC), created)
                           .label("assigned_before"),
                           literal(last - timedelta(days=FIRST_QUARTER_GRACE_DAYS), Date).label("since_by")))
    return union_all(*rows).subquery("quarters") if len(rows) > 1 else rows[0].subquery("quarters")


def missing_reports_stmt(condition: ColumnElement, q):
    """(year, quarter, the person's columns, contact_name None): who owed a report in a quarter and
    has not handed it in (as contactwork.queries.missing_reports_stmt, every quarter at once)."""
    since = entered_since(REPORTING_STAGES, "reporting")
    handed_in = exists().where(ThoughtReport.user_id == User.id, ThoughtReport.year == q.c.year,
                               ThoughtReport.quarter == q.c.quarter, ThoughtReport.status != ReportStatus.draft)
    return (select(q.c.year, q.c.quarter, *PERSON_COLUMNS, literal(None).label("contact_id"),
                   literal(None).label("contact_name"))
            .join(since, since.c.user_id == User.id).join(q, since.c.since <= q.c.since_by)
            .where(User.active, User.stage.in_(REPORTING_STAGES), condition, ~handed_in))


def missing_assessments_stmt(condition: ColumnElement, q):
    """(year, quarter, the person's columns, contact id and name): a contact assigned before the
    quarter ended to a person who owed a report that quarter, with no assessment of theirs for it."""
    since = entered_since(REPORTING_STAGES, "assessed_since")
    contact = aliased(User)
    written = exists().where(Assessment.user_id == User.id, Assessment.year == q.c.year,
                             Assessment.period == q.c.period, Assessment.assessor_id == ContactAssignment.contact_id)
    return (select(q.c.year, q.c.quarter, *PERSON_COLUMNS, contact.id.label("contact_id"),
                   contact.name.label("contact_name"))
            .join(since, since.c.user_id == User.id)
            .join(q, since.c.since <= q.c.since_by)
            .join(ContactAssignment, ContactAssignment.learner_id == User.id)
            .join(contact, contact.id == ContactAssignment.contact_id)
            .where(User.active, User.stage.in_(REPORTING_STAGES), condition, ContactAssignment.active,
                   ContactAssignment.created_at < q.c.assigned_before, ~written))


def live_rows(condition: ColumnElement, quarters: list[tuple[int, int]]) -> list:
    """Rows (year, quarter, person's columns, contact_id, contact_name) from the records: two statements."""
    q = quarters_table(quarters)
    return [*db.session.execute(missing_reports_stmt(condition, q)),
            *db.session.execute(missing_assessments_stmt(condition, q))]


# --- the stored rows -----------------------------------------------------------------------------

def _through() -> tuple[int, int] | None:
    state = db.session.execute(select(ContactWorkGapsState.through_year, ContactWorkGapsState.through_quarter)
                               .where(ContactWorkGapsState.id == 1)).first()
    return (state[0], state[1]) if state else None


def _quarters_between(first: date, through: tuple[int, int]) -> list[tuple[int, int]]:
    year, quarter = quarter_of(first)
    out = []
    while (year, quarter) <= through:
        out.append((year, quarter))
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return out


def _store(condition: ColumnElement, through: tuple[int, int]) -> int:
    """Insert the rows of the people meeting `condition` (their old rows deleted by the caller)."""
    since = entered_since(REPORTING_STAGES, "reporting")
    first = db.session.scalar(select(func.min(since.c.since)).join(User, User.id == since.c.user_id)
                              .where(User.active, User.stage.in_(REPORTING_STAGES), condition))
    if first is None:
        return 0
    quarters = _quarters_between(first, through)
    if not quarters:
        return 0
    rows = [{"user_id": r.id, "year": r.year, "quarter": r.quarter, "contact_id": r.contact_id}
            for r in live_rows(condition, quarters)]
    for start in range(0, len(rows), 5000):
        db.session.execute(ContactWorkGap.__table__.insert(), rows[start:start + 5000])
    return len(rows)


def refresh(user_ids: Iterable[int]) -> None:
    """Replace the stored rows of these people by what their records lack now."""
    through = _through()
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        db.session.execute(delete(ContactWorkGap).where(ContactWorkGap.user_id.in_(chunk)))
        if through is not None:
            _store(User.id.in_(chunk), through)


def rebuild(today: date | None = None) -> int:
    """Every person's rows again, through the end of the year after `today`; returns the rows."""
    session = db.session
    with GAPS.busy(session()):
        session.flush()
        session.execute(delete(ContactWorkGap))
        through = ((today or clock.today()).year + 1, 4)
        stored = _store(true(), through)
        state = session.get(ContactWorkGapsState, 1)
        if state is None:
            session.add(ContactWorkGapsState(id=1, through_year=through[0], through_quarter=through[1],
                                             built_at=clock.now()))
        else:
            state.through_year, state.through_quarter, state.built_at = *through, clock.now()
        session.flush()
        GAPS.forget_pending(session())
        return stored


def keep_ahead(today: date | None = None) -> bool:
    """Rebuild when the rows end before the year after `today` (the weekly job calls it: the first
    run of a year moves the horizon on). False when there is nothing to do or no state row yet."""
    today = today or clock.today()
    through = _through()
    if through is None or through >= (today.year + 1, 4):
        return False
    rebuild(today)
    return True


def covers(quarters: list[tuple[int, int]]) -> bool:
    """Whether the stored rows hold these quarters (the pending changes stored first)."""
    refresh_pending()
    through = _through()
    return through is not None and all(q <= through for q in quarters)


def stored_rows(condition: ColumnElement, quarters: list[tuple[int, int]]) -> list:
    """As live_rows, from the stored rows (one statement); call `covers` first."""
    g = ContactWorkGap
    contact = aliased(User)
    return list(db.session.execute(
        select(g.year, g.quarter, *PERSON_COLUMNS, g.contact_id, contact.name.label("contact_name"))
        .join(User, User.id == g.user_id).outerjoin(contact, contact.id == g.contact_id)
        .where(*_stored_of(condition, quarters))))


def _stored_of(condition: ColumnElement, quarters: list[tuple[int, int]]) -> tuple:
    """The stored rows of the people meeting `condition` who still report, in `quarters`."""
    g = ContactWorkGap
    return (User.active, User.stage.in_(REPORTING_STAGES), condition,
            or_(*(and_(g.year == y, g.quarter == n) for y, n in quarters)))


def counts(condition: ColumnElement, quarters: list[tuple[int, int]]) -> list[tuple[int, str, int]]:
    """(branch id, "no_report" or "no_assessment", how many) of `rows`, counted in SQL when stored."""
    if not quarters:
        return []
    if not covers(quarters):
        counted = Counter((r.branch_id, "no_report" if r.contact_id is None else "no_assessment")
                          for r in live_rows(condition, quarters))
        return [(branch_id, kind, n) for (branch_id, kind), n in counted.items()]
    g = ContactWorkGap
    kind = case((g.contact_id.is_(None), "no_report"), else_="no_assessment")
    return [(branch_id, k, int(n)) for branch_id, k, n in db.session.execute(
        select(User.branch_id, kind, func.count()).join(User, User.id == g.user_id)
        .where(*_stored_of(condition, quarters)).group_by(User.branch_id, kind))]


def rows(condition: ColumnElement, quarters: list[tuple[int, int]]) -> list:
    """(year, quarter, person's columns, contact_id, contact_name) of what the people meeting
    `condition` lack in `quarters`: the stored rows when they hold the quarters, else the records."""
    if not quarters:
        return []
    return stored_rows(condition, quarters) if covers(quarters) else live_rows(condition, quarters)


# --- keeping them current ------------------------------------------------------------------------

def _concerned(obj) -> bool:
    """Whether the pending change of `obj` may alter someone's rows."""
    if isinstance(obj, ThoughtReport | Assessment | DevelopmentStep | ContactAssignment):
        return True
    if isinstance(obj, User) and obj.id is not None:
        state = attributes.instance_state(obj)
        return any(state.attrs[n].history.has_changes() for n in PERSON_FIELDS)
    return False


def _people_of(obj) -> set[int]:
    """After the flush: the person (ids set from relationships are there by then)."""
    if isinstance(obj, User):
        return {obj.id}
    name = "learner_id" if isinstance(obj, ContactAssignment) else "user_id"
    history = attributes.instance_state(obj).attrs[name].history
    return {i for i in (getattr(obj, name), *(history.deleted or ())) if i is not None}


def _note(session: Session, pending: dict) -> None:
    """The changes that may alter someone's rows (their people are read after the flush, when the ids
    set through relationships are known)."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        if _concerned(obj):
            pending.setdefault("objects", []).append(obj)
            if obj in session.deleted or obj in session.dirty:
                pending.setdefault("people", set()).update(_people_of(obj))  # the person before the change too


def _apply(pending: dict) -> int:
    """Recompute the rows of everyone the noted changes concern; returns how many people."""
    people = set(pending.get("people", ()))
    for obj in pending.get("objects", ()):
        people |= _people_of(obj)
    if people:
        refresh(people)
    return len(people)


GAPS = PersonStore("contact_work_gaps", note=_note, apply=_apply)
refresh_pending = GAPS.refresh_pending


def init_app(app) -> None:
    GAPS.listen()
