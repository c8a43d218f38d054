"""A year of records in branch_a (and one in branch_c, outside admin_a's scope) for the year-end figures."""

from __future__ import annotations

from datetime import date, time

from learnapp.assessments.models import Assessment, AssessorRole, Grade, Period
from learnapp.db import db
from learnapp.development.history import record_history
from learnapp.ledger import activities
from learnapp.ledger.models import Category
from learnapp.ledger.offline_models import Attendance, AttendanceMethod
from learnapp.ledger.schedule import make_schedule
from learnapp.planning import services
from learnapp.security import SYSTEM
from tests.helpers.development import person_up_to
from tests.helpers.planning import admitted
from tests.helpers.reports import add_entry, add_quiz_result


def a_year(org) -> dict:
    """Plans, admissions, hours, an activity with attendance, tests, assessments, a training class."""
    services.set_plan(org.committee_admin, org.branch_a, 2026, 2, {"women": 1})
    services.set_plan(org.committee_admin, org.branch_c, 2026, 1, {})
    woman = admitted(org.branch_a, date(2026, 3, 1), "ye_woman", gender="女", birth_date=date(1995, 1, 1))
    admitted(org.branch_c, date(2026, 4, 1), "ye_other", gender="男")
    target = person_up_to(org.branch_a, "political_review", login_id="ye_target")
    record_history(SYSTEM, target, "training_class", date(2026, 5, 10), source="site", audit_entry=False)
    add_entry(org.learner_a, 5000, category=Category.online_reading)
    add_entry(org.learner_a, 1000, category=Category.lecture)
    add_entry(org.learner_b, 1500, category=Category.online_video)
    add_entry(org.learner_c, 6000)
    activity = activities.create_activity(org.committee_admin, branch=org.branch_a, category="lecture", title="党课",
                                          schedule=make_schedule(date(2026, 6, 1), time(9), time(11)))
    for person in (org.learner_a, org.learner_b):
        db.session.add(Attendance(activity_id=activity.id, user_id=person.id, present=True, method=AttendanceMethod.roster))
    quiz = add_quiz_result(org.learner_a, None, 8000, branch=org.branch_a)
    add_quiz_result(org.learner_b, quiz, 5000)
    add_quiz_result(org.learner_c, quiz, 9000)
    for person, grade in ((org.learner_a, Grade.excellent), (org.learner_b, Grade.competent), (org.learner_c, Grade.excellent)):
        db.session.add(Assessment(user_id=person.id, year=2026, period=Period.year, grade=grade,
                                  assessor_id=org.admin_a.id, assessor_role=AssessorRole.branch,
                                  stage_at=person.stage.value))
    db.session.flush()
    return {"woman": woman, "target": target, "activity": activity, "quiz": quiz}
