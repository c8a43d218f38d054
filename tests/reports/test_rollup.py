"""Report totals equal the ledger's sums, for randomly generated ledgers (hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from learnapp import clock as app_clock
from learnapp.accounts.models import User
from learnapp.assessments.queries import with_status
from learnapp.assessments.status import Status, overall_status
from learnapp.db import db
from learnapp.ledger.models import Category
from learnapp.ledger.offline_models import ClaimStatus
from learnapp.ledger.rules import rules_for_year
from learnapp.ledger.services import save_rules
from learnapp.org.queries import flatten
from learnapp.reports import rollup
from learnapp.reports.scope import readable_people
from learnapp.security import SYSTEM
from tests.helpers import factories
from tests.helpers.reports import add_claim, add_entry, add_quiz_result

RULES = """\
year: 2026
requirement:
  default: 50
  by_stage:
    activist: 40
    development_target: 48
  by_role:
    branch_admin: 56
    committee_admin: 60
"""

entry_strategy = st.tuples(
    st.integers(0, 9),  # which person
    st.integers(-400, 3000),  # hundredths; negatives are reversals and corrections
    st.sampled_from([Category.online_reading, Category.lecture, Category.test_passed, Category.adjustment]),
    st.dates(date(2025, 12, 20), date(2027, 1, 10)),  # some outside the year: they must not count
)


def _people(org) -> list[User]:
    extra = [factories.make_user(org.branch_c), factories.make_user(org.branch_b),
             factories.make_user(org.general2), factories.make_user(org.branch_a, active=False)]
    return [org.learner_a, org.learner_b, org.learner_c, org.contact_a, org.admin_a, org.admin_g1, *extra]


def _subtree_ids(branch) -> set[int]:
    from learnapp.org.models import Branch

    return set(db.session.scalars(select(Branch.id).where(Branch.path.startswith(branch.path))))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(entry_strategy, max_size=40), with_rules=st.booleans())
def test_rollup_totals_equal_ledger_sums(app, clock, org, entries, with_rules):
    try:
        if with_rules:
            save_rules(SYSTEM, RULES, source_name="test.yaml")
        people = _people(org)
        ledger: dict[int, dict[str, int]] = defaultdict(lambda: {"total": 0, "online": 0, "offline": 0})
        for index, credit, category, day in entries:
            add_entry(people[index], credit, on=day, category=category)
            if day.year == 2026:
                sums = ledger[people[index].id]
                sums["total"] += credit
                sums["online" if category.is_online else "offline"] += credit
        rules, today = rules_for_year(2026), app_clock.today()
        f = rollup.Filters(year=2026, today=today)
        nodes = flatten(rollup.dashboard(org.committee_admin, f))
        # Counted: the active people the year's rules say owe hours: not the auditor, nor the
        # committee admin unless the rules give committee_admin a requirement (RULES does).
        active = [u for u in db.session.scalars(select(User).where(User.active)) if rules.owes_hours(g.role for g in u.grants)]
        assert org.auditor not in active and org.admin_a in active and (org.committee_admin in active) == with_rules
        for node in nodes:
            members = [u for u in active if u.branch_id in _subtree_ids(node.branch)]
            assert node.total.people == len(members)
            assert node.total.credit == sum(ledger[u.id]["total"] for u in members)
            statuses = [overall_status(ledger[u.id]["total"], ledger[u.id]["online"], ledger[u.id]["offline"],
                                       rules.requirement_for(u), 2026, today) for u in members]
            assert node.total.met == statuses.count(Status.complete)
            assert node.total.behind == statuses.count(Status.behind)
        # Per person: the SQL requirement and status agree with the Python rules.
        stmt, _people_sq = with_status(2026, readable_people(org.committee_admin), today)
        for row in db.session.execute(stmt):
            user = db.session.get(User, row.user_id)
            assert row.requirement == rules.requirement_for(user)
            assert row.total == ledger[row.user_id]["total"]
            assert row.online == ledger[row.user_id]["online"]
            assert Status(row.status) == overall_status(row.total, row.online, row.offline, row.requirement, 2026, today)
    finally:
        db.session.rollback()


def test_branch_admin_sees_only_their_subtree(app, clock, org):
    add_entry(org.learner_a, 1000)
    add_entry(org.learner_c, 9000)
    nodes = flatten(rollup.dashboard(org.admin_a, rollup.Filters(2026, app_clock.today())))
    assert [n.branch.id for n in nodes] == [org.branch_a.id]
    assert nodes[0].total.credit == 1000
    g1 = flatten(rollup.dashboard(org.admin_g1, rollup.Filters(2026, app_clock.today())))
    assert {n.branch.id for n in g1} == {org.general1.id, org.branch_a.id, org.branch_b.id}
    assert sum(n.total.credit for n in g1 if n.level == 0) == 1000


def test_pending_claims_scores_and_filters(app, clock, org):
    add_claim(org.learner_a, status=ClaimStatus.pending)
    quiz = add_quiz_result(org.learner_a, None, 8000)
    add_quiz_result(org.learner_b, quiz, 5000)
    add_entry(org.learner_b, 5000)
    f = rollup.Filters(2026, app_clock.today())
    nodes = {n.branch.id: n for n in flatten(rollup.dashboard(org.auditor, f))}
    assert nodes[org.branch_a.id].total.pending == 1
    assert nodes[org.general1.id].total.avg_score_bp == 6500
    assert nodes[org.branch_b.id].total.met == 1
    complete_only = rollup.Filters(2026, app_clock.today(), status=Status.complete)
    nodes = {n.branch.id: n for n in flatten(rollup.dashboard(org.auditor, complete_only))}
    assert nodes[org.committee.id].total.people == 1
    assert nodes[org.branch_a.id].total.pending == 0  # learner_a is not complete: filtered out
