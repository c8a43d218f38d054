"""The stored gaps of contact work (contactwork/stored.py) equal the records queried again, after
any sequence of changes: thought reports handed in, left as drafts or deleted; assessments written
or deleted; training contacts assigned, ended or renamed; development steps recorded or redated (the
day a person began reporting); people leaving and rejoining. And the compliance report lists the
same findings from the stored rows as from the records. Seeded random sequences."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, true

from learnapp.accounts.models import ContactAssignment, Stage
from learnapp.assessments.models import Assessment, AssessorRole, Grade, Period
from learnapp.contactwork import stored
from learnapp.contactwork.models import ContactWorkGapsState, ReportStatus, ThoughtReport
from learnapp.db import db
from learnapp.development import compliance
from learnapp.development.history import record_history
from learnapp.development.models import DevelopmentStep
from learnapp.security import SYSTEM
from tests.helpers.development_pages import person_with_history
from tests.helpers.factories import make_user

QUARTERS = [(y, q) for y in (2024, 2025, 2026, 2027) for q in (1, 2, 3, 4)]


def _key(rows) -> list[tuple]:
    return sorted((r.year, r.quarter, r.id, r.name, r.contact_id or 0, r.contact_name or "") for r in rows)


def _same() -> None:
    assert stored.covers(QUARTERS)
    assert _key(stored.stored_rows(true(), QUARTERS)) == _key(stored.live_rows(true(), QUARTERS))


def _lines(report) -> list[tuple]:
    return [(f.person.login_id, f.kind, f.on, f.message) for f in report.findings]


def _by_branch(report) -> dict:
    result: dict = {}
    for f in report.findings:
        result.setdefault(f.person.branch_id, Counter())[f.kind] += 1
    return result


def _setup(org):
    people = [person_with_history((org.branch_a, org.branch_b)[i % 2], login_id=f"gap{i}") for i in range(6)]
    contacts = [org.contact_a, make_user(org.branch_a, Stage.full_member, login_id="contact_x")]
    for i, person in enumerate(people[:4]):
        db.session.add(ContactAssignment(contact=contacts[i % 2], learner=person, active=True,
                                         created_at=datetime(2025, 1, 10, tzinfo=UTC)))
    return people, contacts


def _change(rng: random.Random, people, contacts) -> None:
    person = rng.choice(people)
    year, quarter = rng.choice(QUARTERS[:12])
    action = rng.randrange(9)
    report = db.session.scalar(select(ThoughtReport).where(ThoughtReport.user_id == person.id,
                                                           ThoughtReport.year == year, ThoughtReport.quarter == quarter))
    if action == 0 and report is None:
        db.session.add(ThoughtReport(user=person, year=year, quarter=quarter, title="", body="汇报",
                                     status=rng.choice(list(ReportStatus))))
    elif action == 1 and report is not None:
        if rng.random() < 0.5:
            db.session.delete(report)
        else:
            report.status = rng.choice(list(ReportStatus))
    elif action == 2:
        contact = rng.choice(contacts)
        if db.session.scalar(select(Assessment.id).where(Assessment.user_id == person.id, Assessment.year == year,
                                                         Assessment.period == Period(f"q{quarter}"),
                                                         Assessment.assessor_id == contact.id)) is None:
            db.session.add(Assessment(user=person, year=year, period=Period(f"q{quarter}"), assessor=contact,
                                      assessor_role=AssessorRole.contact, grade=Grade.competent, stage_at=person.stage))
    elif action == 3:
        assessment = db.session.scalars(select(Assessment).where(Assessment.user_id == person.id)).first()
        if assessment is not None:
            db.session.delete(assessment)
    elif action == 4:
        contact = rng.choice(contacts)
        on = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(900))
        assignment = db.session.scalar(select(ContactAssignment).where(ContactAssignment.learner_id == person.id,
                                                                       ContactAssignment.contact_id == contact.id))
        if assignment is None:
            db.session.add(ContactAssignment(contact=contact, learner=person, active=True, created_at=on))
        else:
            assignment.created_at = on
    elif action == 5:
        assignment = db.session.scalars(select(ContactAssignment).where(ContactAssignment.learner_id == person.id)).first()
        if assignment is not None:
            assignment.active = not assignment.active
    elif action == 6:
        step = db.session.scalars(select(DevelopmentStep).where(DevelopmentStep.user_id == person.id,
                                                                DevelopmentStep.code == "activist_determined")).first()
        if step is not None:
            step.done_on = date(2024, 1, 1) + timedelta(days=rng.randrange(900))
    elif action == 7 and person.stage == Stage.activist:
        record_history(SYSTEM, person, "target_determined", date(2025, 1, 1) + timedelta(days=rng.randrange(500)),
                       audit_entry=False)
    elif action == 8:
        if rng.random() < 0.5:
            person.active = not person.active
        else:
            contact = rng.choice(contacts)
            contact.name = f"联系人{rng.randrange(100)}"


@pytest.mark.parametrize("seed", [1, 2])
def test_the_stored_gaps_equal_the_records_after_random_changes(org, db, seed):
    rng = random.Random(seed)
    people, contacts = _setup(org)
    db.session.commit()
    _same()
    for step in range(30):
        _change(rng, people, contacts)
        if step % 4 == 3:
            db.session.flush()  # a read after a flush sees its own changes
            _same()
        elif step % 7 == 6:
            db.session.rollback()
        else:
            db.session.commit()
            _same()
    db.session.commit()
    _same()


def test_the_report_lists_the_same_contact_findings_from_the_stored_rows(org, db):
    rng = random.Random(3)
    people, contacts = _setup(org)
    for _i in range(25):
        _change(rng, people, contacts)
    db.session.commit()
    condition = true()
    fast = compliance.report(condition, date(2026, 12, 5), {}, year=2025)
    fast_recent = compliance.report(condition, date(2026, 12, 5), {})
    assert {f.kind for f in fast.findings} >= {"no_report", "no_assessment"}
    counted = {year: compliance.counts_by_branch(condition, date(2026, 12, 5), year) for year in (2025, 2026, None)}
    for year, report in ((2025, fast), (None, fast_recent)):
        assert counted[year] == _by_branch(report)  # counted in SQL as the report lists them
    db.session.execute(delete(ContactWorkGapsState))  # no state row: the records are queried
    assert not stored.covers(QUARTERS)
    assert _lines(compliance.report(condition, date(2026, 12, 5), {}, year=2025)) == _lines(fast)
    assert _lines(compliance.report(condition, date(2026, 12, 5), {})) == _lines(fast_recent)
    for year, expected in counted.items():
        assert compliance.counts_by_branch(condition, date(2026, 12, 5), year) == expected


def test_a_quarter_after_the_horizon_is_read_from_the_records(org, db):
    people, _contacts = _setup(org)
    db.session.commit()
    assert stored.covers([(2026, 4)])
    through = db.session.get(ContactWorkGapsState, 1)
    later = (through.through_year + 1, 1)
    assert not stored.covers([later])
    assert {r.id for r in stored.rows(true(), [later])} >= {p.id for p in people}  # none handed in yet


def test_the_weekly_job_moves_the_horizon_on_once_a_year(org, db):
    people, _contacts = _setup(org)
    db.session.commit()
    state = db.session.get(ContactWorkGapsState, 1)
    state.through_year, state.through_quarter = 2026, 4
    db.session.commit()
    assert not stored.covers([(2027, 1)])
    assert stored.keep_ahead(date(2027, 1, 4))
    assert (state.through_year, state.through_quarter) == (2028, 4)
    assert not stored.keep_ahead(date(2027, 1, 11))
    db.session.commit()
    assert stored.covers([(2027, 1)])
    assert {r.id for r in stored.rows(true(), [(2027, 1)])} >= {p.id for p in people}
    _same()
