"""The year-end figures equal the sums of the records they count, for generated years (hypothesis):
study hours, completion, tests, assessments and activities, for every branch's subtree."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from learnapp import clock as app_clock
from learnapp.accounts.models import User
from learnapp.assessments.models import Assessment, AssessorRole, Grade, Period
from learnapp.assessments.status import Status, overall_status
from learnapp.db import db
from learnapp.ledger.models import Category
from learnapp.ledger.offline_models import Activity, Attendance, AttendanceMethod
from learnapp.ledger.rules import rules_for_year
from learnapp.org.models import Branch
from learnapp.yearend.figures import year_end
from tests.helpers import factories
from tests.helpers.reports import add_entry, add_quiz_result

PEOPLE = 10
entries = st.lists(st.tuples(st.integers(0, PEOPLE - 1), st.integers(-400, 3000),
                             st.sampled_from([Category.online_reading, Category.lecture, Category.adjustment]),
                             st.dates(date(2025, 12, 20), date(2027, 1, 10))), max_size=30)
scores = st.dictionaries(st.integers(0, PEOPLE - 1), st.integers(0, 10000), max_size=PEOPLE)
grades = st.dictionaries(st.tuples(st.integers(0, PEOPLE - 1), st.sampled_from([Period.h1, Period.year])),
                         st.sampled_from(list(Grade)), max_size=12)
activity_list = st.lists(st.tuples(st.integers(0, 4), st.sampled_from([Category.lecture, Category.themed_party_day]),
                                   st.booleans(), st.dates(date(2025, 12, 1), date(2027, 1, 31)),
                                   st.sets(st.integers(0, PEOPLE - 1), max_size=4)), max_size=5)


def _people(org) -> list[User]:
    extra = [factories.make_user(org.branch_c), factories.make_user(org.branch_b),
             factories.make_user(org.general2), factories.make_user(org.branch_a, active=False)]
    return [org.learner_a, org.learner_b, org.learner_c, org.contact_a, org.admin_a, org.admin_g1, *extra]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=entries, scores=scores, grades=grades, held=activity_list)
def test_figures_equal_the_records(app, clock, org, entries, scores, grades, held):
    try:
        people = _people(org)
        branches = [org.committee, org.general1, org.branch_a, org.branch_b, org.branch_c]
        ledger: dict[int, dict[str, int]] = defaultdict(lambda: {"total": 0, "online": 0, "offline": 0})
        for index, credit, category, day in entries:
            add_entry(people[index], credit, on=day, category=category)
            if day.year == 2026:
                ledger[people[index].id]["total"] += credit
                ledger[people[index].id]["online" if category.is_online else "offline"] += credit
        quiz = None
        for index, score in scores.items():
            quiz = add_quiz_result(people[index], quiz, score, branch=org.branch_a)
        for (index, period), grade in grades.items():
            db.session.add(Assessment(user_id=people[index].id, year=2026, period=period, grade=grade,
                                      assessor_id=org.admin_a.id, assessor_role=AssessorRole.branch,
                                      stage_at=people[index].stage.value))
        activities = []
        for b, category, cancelled, day, present in held:
            activity = Activity(branch_id=branches[b].id, category=category, title="活动", start_date=day, end_date=day,
                                start_time=time(9), end_time=time(11), audience_stages="", cancelled=cancelled)
            db.session.add(activity)
            db.session.flush()
            for index in present:
                db.session.add(Attendance(activity_id=activity.id, user_id=people[index].id, present=True,
                                          method=AttendanceMethod.roster))
            activities.append((activity, len(present)))
        db.session.flush()
        rules, today = rules_for_year(2026), app_clock.today()
        for branch in branches:
            f = year_end(branch, 2026, today)
            subtree = set(db.session.scalars(select(Branch.id).where(Branch.path.startswith(branch.path))))
            members = [u for u in db.session.scalars(select(User)) if u.branch_id in subtree]
            training = [u for u in members if u.active and rules.owes_hours(g.role for g in u.grants)]
            assert f.training.people == len(training)
            assert f.training.credit == sum(ledger[u.id]["total"] for u in training)
            assert f.training.online == sum(ledger[u.id]["online"] for u in training)
            assert f.training.offline == sum(ledger[u.id]["offline"] for u in training)
            statuses = [overall_status(ledger[u.id]["total"], ledger[u.id]["online"], ledger[u.id]["offline"],
                                       rules.requirement_for(u), 2026, today) for u in training]
            assert f.training.completed == statuses.count(Status.complete)
            taken = {p.id: s for i, s in scores.items() for p in [people[i]] if p in training}
            assert (f.tests.in_training, f.tests.participants, f.tests.results) == (len(training), len(taken), len(taken))
            assert f.tests.passed == sum(1 for s in taken.values() if s >= 6000)
            assert f.tests.score_sum == sum(taken.values())
            expected_grades = Counter(g for (i, _p), g in grades.items() if people[i] in members)
            assert f.assessments.by_grade == {g: expected_grades.get(g, 0) for g in Grade}
            counted = [(a, n) for a, n in activities if a.branch_id in subtree and not a.cancelled
                       and a.start_date.year == 2026]
            assert f.activities_held == len(counted)
            assert f.attendances == sum(n for _a, n in counted)
    finally:
        db.session.rollback()
