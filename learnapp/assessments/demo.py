"""Demo content: training contacts' quarterly and branches' half-yearly assessments of activists."""

from __future__ import annotations

from sqlalchemy import select

from learnapp import clock
from learnapp.accounts.models import ContactAssignment, Role, RoleGrant, User
from learnapp.assessments import services
from learnapp.assessments.models import QUARTERS, Assessment, Grade, Period
from learnapp.db import db

COMMENTS = {
    Grade.excellent: "学习态度端正，按时提交思想汇报，积极参加主题党日活动。",
    Grade.competent: "能够按计划完成学习任务，思想汇报内容较充实。",
    Grade.basically_competent: "线上学习进度偏慢，请在下季度补足学时并按时提交思想汇报。",
}
CYCLE = [Grade.excellent, Grade.competent, Grade.competent, Grade.basically_competent]


def _exists(user_id: int, year: int, period: Period, assessor_id: int) -> bool:
    return db.session.scalar(select(Assessment.id).where(
        Assessment.user_id == user_id, Assessment.year == year, Assessment.period == period,
        Assessment.assessor_id == assessor_id)) is not None


def load_demo(ctx) -> None:
    """Quarterly assessments by each activist's contact and a half-year one by the branch (idempotent)."""
    today = clock.today()
    year = today.year
    pairs = db.session.execute(
        select(ContactAssignment.contact_id, ContactAssignment.learner_id).where(ContactAssignment.active)
        .order_by(ContactAssignment.learner_id)
    ).all()
    secretaries = {g.branch_id: g.user for g in db.session.scalars(select(RoleGrant).where(RoleGrant.role == Role.branch_admin))}
    for n, (contact_id, learner_id) in enumerate(pairs):
        contact, learner = db.session.get(User, contact_id), db.session.get(User, learner_id)
        ended = [p for p in QUARTERS if p.bounds(year)[1] < today]
        for i, period in enumerate(ended):
            if _exists(learner.id, year, period, contact.id):
                continue
            grade = CYCLE[(n + i) % len(CYCLE)]
            services.record_assessment(contact, learner, year=year, period=period, grade=grade,
                                       comment=COMMENTS[grade])
        secretary = secretaries.get(learner.branch_id)
        if secretary is not None and Period.h1.bounds(year)[0] <= today and not _exists(learner.id, year, Period.h1, secretary.id):
            grade = Grade.competent if n % 3 else Grade.excellent
            services.record_assessment(secretary, learner, year=year, period=Period.h1, grade=grade,
                                       comment=COMMENTS[grade])
    db.session.flush()
