"""The development side of the year-end figures and the branch scores equal the records they count
(hypothesis): random small committees (people at stages, dated development steps, plans on any
level of the tree) give plan against actual, composition, the training class, the findings and
the scores' inputs computed here directly from the rows; the figures of the many-branch pass (the
scores page) equal each branch's own; a subtree's counts are its branches' counts added up."""

from __future__ import annotations

from collections import Counter
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from learnapp import clock as app_clock
from learnapp.accounts.models import Stage, User
from learnapp.db import db
from learnapp.development import compliance
from learnapp.development.history import record_history
from learnapp.development.models import DevelopmentStep
from learnapp.development.queries import DONE
from learnapp.org.models import Branch
from learnapp.planning import actuals, services
from learnapp.security import SYSTEM
from learnapp.yearend import figures, scoring
from learnapp.yearend.figures import share
from learnapp.yearend.many import year_end_many
from tests.helpers import factories
from tests.helpers.report_scale import load_scheme

YEAR = 2026
CODES = (*actuals.MEASURES.values(), "training_class", "target_determined", "application")
step_list = st.lists(st.tuples(st.sampled_from(CODES), st.dates(date(2025, 10, 1), date(2026, 6, 15))), max_size=4)
person_list = st.lists(st.tuples(st.integers(0, 4), step_list, st.sampled_from(["女", "男", None]),
                                 st.dates(date(1980, 1, 1), date(2004, 12, 31)), st.booleans()), max_size=7)
plan_map = st.dictionaries(st.integers(0, 5), st.tuples(st.integers(0, 6), st.integers(0, 3)), max_size=4)


def _tree(org) -> list[Branch]:
    return [org.general1, org.branch_a, org.branch_b, org.branch_c, org.general2, org.committee]


def _under(branch: Branch, branches: list[Branch]) -> set[int]:
    """The ids of the branch's subtree, by following parent ids (not paths)."""
    found, grew = {branch.id}, True
    while grew:
        more = {b.id for b in branches if b.parent_id in found} - found
        grew, found = bool(more), found | more
    return found


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _planned(branch: Branch, branches: list[Branch], plans: dict[int, tuple[int, int]]):
    """(planned, women target): the branch's own plan, else the sum of its sub-branches' that have one."""
    if branch.id in plans:
        return plans[branch.id]
    subs = [_planned(b, branches, plans) for b in branches if b.parent_id == branch.id]
    subs = [s for s in subs if s[0] is not None]
    return (sum(s[0] for s in subs), sum(s[1] for s in subs)) if subs else (None, None)


def _first(in_year: list[DevelopmentStep], ids) -> dict[str, dict[int, date]]:
    """measure -> person id -> the date of their first step of the year that counts for it."""
    first: dict[str, dict[int, date]] = {m: {} for m in actuals.MEASURES}
    for s in in_year:
        for measure, code in actuals.MEASURES.items():
            if s.user_id in ids and s.code == code and s.done_on < first[measure].get(s.user_id, date.max):
                first[measure][s.user_id] = s.done_on
    return first


def _build(org, people, plans) -> dict[int, tuple[Branch, list]]:
    tree = _tree(org)
    made = {}
    for n, (b, steps, gender, born, active) in enumerate(people):
        person = factories.make_user(tree[b], Stage.applicant, login_id=f"pd{n}")
        for step in list(person.development_steps):
            db.session.delete(step)
        db.session.flush()
        db.session.expire(person, ["development_steps"])
        for code, day in sorted(steps, key=lambda s: s[1]):
            record_history(SYSTEM, person, code, day, source="site", audit_entry=False)
        person.gender, person.birth_date, person.active = gender, born, active
        made[person.id] = (person, sorted(steps, key=lambda s: s[1]))
    for b, (planned, women) in plans.items():
        services.set_plan(org.committee_admin, tree[b], YEAR, planned, {"women": min(women, planned)})
    db.session.flush()
    return made


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=person_list, plans=plan_map)
def test_development_figures_equal_the_records(app, clock, org, people, plans):
    try:
        _build(org, people, plans)
        load_scheme()
        today, tree = app_clock.today(), _tree(org)
        branches = list(db.session.scalars(select(Branch)))
        users = list(db.session.scalars(select(User)))
        steps = [s for s in db.session.scalars(select(DevelopmentStep)) if s.status in DONE]
        in_year = [s for s in steps if s.done_on.year == YEAR]
        plan_of = {tree[b].id: (planned, min(women, planned)) for b, (planned, women) in plans.items()}
        many = year_end_many(tree, YEAR, today)
        scores = {s.branch.id: s for s in scoring.branch_scores(scoring.scheme_for_year(YEAR), tree, YEAR, today)}
        for branch in tree:
            subtree = _under(branch, branches)
            members = {u.id: u for u in users if u.branch_id in subtree}
            f = figures.year_end(branch, YEAR, today)
            assert many[branch.id] == f, branch.name

            first = _first(in_year, members)
            assert f.plan.counts == {m: len(first[m]) for m in actuals.MEASURES}, branch.name
            planned, women_target = _planned(branch, branches, plan_of)
            assert f.plan.planned == planned
            assert f.plan.rate == share(len(first["developed"]), planned)
            composition = {line.code: line for line in f.plan.composition}
            developed = first["developed"]
            assert composition["women"].count == sum(1 for i in developed if members[i].gender == "女")
            assert composition["women"].target == (women_target if planned is not None else None)
            assert composition["under_35"].count == sum(
                1 for i, on in developed.items() if members[i].birth_date and _age(members[i].birth_date, on) < 35)

            trained_ever = {s.user_id for s in steps if s.code == "training_class"}
            targets = [u for u in members.values() if u.active and u.stage == Stage.development_target]
            assert f.training_class.completed == len({s.user_id for s in in_year
                                                      if s.code == "training_class" and s.user_id in members})
            assert (f.training_class.targets, f.training_class.targets_trained) == (
                len(targets), sum(1 for u in targets if u.id in trained_ever))

            listed = compliance.report(User.branch_id.in_(subtree), today, {}, year=YEAR).findings
            assert f.findings == Counter(x.kind for x in listed), branch.name

            values = {line.item.measure: line.value for line in scores[branch.id].lines}
            assert values["plan_execution"] == share(len(developed), planned)
            assert values["compliance_findings"] == len(listed)
            assert values["training_class"] == share(f.training_class.targets_trained, len(targets))

        # The committee's counts are its two sections' and those of the people on its own node.
        top, parts = many[org.committee.id], [many[org.general1.id], many[org.general2.id]]
        own = {u.id for u in users if u.branch_id == org.committee.id}
        own_first = _first(in_year, own)
        assert top.plan.counts == {m: sum(p.plan.counts[m] for p in parts) + len(own_first[m]) for m in actuals.MEASURES}
        own_findings = compliance.report(User.branch_id == org.committee.id, today, {}, year=YEAR).findings
        assert top.findings_total == sum(p.findings_total for p in parts) + len(own_findings)
        if org.committee.id not in plan_of:
            defined = [p.plan.planned for p in parts if p.plan.planned is not None]
            assert top.plan.planned == (sum(defined) if defined else None)
    finally:
        db.session.rollback()
