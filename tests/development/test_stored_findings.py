"""The stored findings (development/stored.py) equal every file checked again, after any sequence of
changes: steps recorded as history or through the services, decided or returned by the committee,
deleted; birth dates, names and a member's standing changed; training-class credit added; the
rules changed; the days passing (time limits kept by the readers). Seeded random sequences."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select, true

from learnapp import clock as learnapp_clock
from learnapp.accounts.models import Stage
from learnapp.accounts.profile import update_profile
from learnapp.db import db
from learnapp.development import compliance, stored
from learnapp.development.check import check_all
from learnapp.development.history import record_history
from learnapp.development.models import (
    DevelopmentFinding,
    DevelopmentFindingsState,
    DevelopmentStep,
    StepStatus,
)
from learnapp.development.rules import current_rules, save_parameters
from learnapp.development.services import decide_step, record_step
from learnapp.errors import DomainError
from learnapp.ledger import services as ledger
from learnapp.ledger.models import Category
from learnapp.security import SYSTEM
from tests.helpers.development import PATH, person_up_to

STOPS = ("application", "activist_determined", "target_determined", "training_class", "branch_meeting_admission",
         "committee_talk", "oath", "branch_meeting_full")
DATA = {code: data for code, _day, data in PATH}
REASON = "党委研究同意"


def _same(today: date) -> None:
    assert stored.current()
    assert stored.differences(today) == set()


def _lines(report) -> list[tuple]:
    return [(f.person.login_id, f.kind, f.on, f.message) for f in report.findings]


def _people(org, rng: random.Random) -> list:
    people = []
    for i, last in enumerate(STOPS):
        branch = (org.branch_a, org.branch_b, org.branch_c)[i % 3]
        people.append(person_up_to(branch, last, login_id=f"p{i}", skip=("application_talk",) if rng.random() < 0.3 else ()))
    return people


def _record(org, person, rng: random.Random, today: date) -> None:
    code = rng.choice([c for c, _d, _x in PATH])
    day = today - timedelta(days=rng.randrange(0, 900))
    data = dict(DATA[code])
    if code == "introducers_assigned":
        data = {"introducer_ids": [org.learner_a.id, org.learner_b.id]}
    try:
        if rng.random() < 0.5:
            record_history(SYSTEM, person, code, day, source="site", data=data, audit_entry=False)
        else:
            record_step(org.committee_admin, person, code, day, data=data, exception_reason=REASON)
    except DomainError:
        db.session.rollback()


def _decide(org, person, rng: random.Random) -> None:
    try:
        step = record_step(org.admin_a, person, "target_filed", person.development_steps[-1].done_on if
                           person.development_steps else date(2026, 1, 1))
    except DomainError:
        db.session.rollback()
        return
    if step.status != StepStatus.submitted:
        return
    try:
        decide_step(org.committee_admin, step, accept=rng.random() < 0.5, reason="材料不全", exception_reason=REASON)
    except DomainError:
        db.session.rollback()


def _delete(person, rng: random.Random) -> None:
    steps = list(db.session.scalars(select(DevelopmentStep).where(DevelopmentStep.user_id == person.id)))
    if steps:
        db.session.delete(rng.choice(steps))
        db.session.flush()


def _change(org, people, rng: random.Random, today: date) -> None:
    """One random change; committed or only flushed (a reader in the same transaction sees it)."""
    person = rng.choice(people)
    what = rng.randrange(9)
    if what <= 2:
        _record(org, person, rng, today)
    elif what == 3:
        _decide(org, person, rng)
    elif what == 4:
        _delete(person, rng)
    elif what == 5:
        update_profile(SYSTEM, person, birth_date=f"{rng.randrange(1985, 2010)}.{rng.randrange(1, 13):02d}")
    elif what == 6:  # an introducer leaves, or comes back; a recorder's name changes
        named = rng.choice((org.learner_a, org.learner_b, org.committee_admin))
        if named is org.committee_admin:
            named.name = f"党委管理员{rng.randrange(100)}"
        else:
            named.stage = Stage.full_member if named.stage != Stage.full_member else Stage.probationary_member
    elif what == 7:
        ledger.grant(SYSTEM, person, category=Category.training_class, credit_hundredths=rng.choice((800, 2400)),
                     occurred_on=today - timedelta(days=rng.randrange(0, 400)), source_type="activity")
    else:
        save_parameters(org.committee_admin, {"approval_within_months": rng.choice((1, 2, 3)),
                                              "training_min_days": rng.choice((3, 4, 5))})
    if rng.random() < 0.6:
        db.session.commit()


@pytest.mark.parametrize("seed", range(6))
def test_stored_findings_equal_a_full_check_after_random_changes(app, clock, org, seed):
    rng = random.Random(seed)
    for member in (org.learner_a, org.learner_b):
        member.stage = Stage.full_member
    people = _people(org, rng)
    db.session.commit()
    with_file = set(db.session.scalars(select(DevelopmentStep.user_id)))
    assert stored.rebuild() == len(with_file)
    db.session.commit()
    _same(learnapp_clock.today())
    for _i in range(18):
        _change(org, people, rng, learnapp_clock.today())
        _same(learnapp_clock.today())
        if rng.random() < 0.3:
            clock.advance(days=rng.randrange(1, 200))
            _same(learnapp_clock.today())
    db.session.commit()
    _same(learnapp_clock.today())
    kinds = {f.kind for f in db.session.scalars(select(DevelopmentFinding))}
    assert {"rule", "missing"} <= kinds, kinds  # the sequence made files that break the rules


def test_time_limits_appear_when_the_day_is_past_them_without_any_write(app, clock, org):
    person = person_up_to(org.branch_a, "application", login_id="late", skip=())
    record_history(SYSTEM, person, "application", learnapp_clock.today() - timedelta(days=10), source="site", audit_entry=False)
    stored.rebuild()
    db.session.commit()
    due = [f for f in db.session.scalars(select(DevelopmentFinding)) if f.due]
    assert due and all(f.on > learnapp_clock.today() for f in due)
    assert not [f for f in stored.read(true(), learnapp_clock.today()) if f.due]
    clock.advance(days=60)
    assert [f.code for f in stored.read(true(), learnapp_clock.today()) if f.due] == ["application_talk"]
    assert stored.differences(learnapp_clock.today()) == set()


def test_without_a_build_for_the_rules_in_force_the_report_checks_every_file(app, clock, org):
    person_up_to(org.branch_a, "target_determined", login_id="t1", skip=("application_talk",))
    db.session.execute(delete(DevelopmentFindingsState))  # as after the upgrade that made the table
    db.session.commit()
    assert not stored.current()  # never built: the readers check every file
    checked = _lines(compliance.report(true(), learnapp_clock.today(), {}))
    assert "t1" in {line[0] for line in checked}
    stored.rebuild()
    db.session.commit()
    assert stored.current()
    assert _lines(compliance.report(true(), learnapp_clock.today(), {})) == checked
    version = current_rules().version
    save_parameters(org.committee_admin, {"approval_within_months": 2})
    db.session.commit()  # a new version of the rules: every file again, in the same transaction
    assert current_rules().version != version and stored.current()
    assert stored.differences(learnapp_clock.today()) == set()
    assert {f.person.login_id for f in check_all(learnapp_clock.today())} == {"t1"}
