"""Demo content: contacts' talks, quarterly thought reports and two political reviews (idempotent).

The story follows each person's stage history: thought reports start with the first quarter the
person spent as an activist (at most the last four quarters), one per quarter, read and commented by
the training contact; the first activist with a contact who owed it has not handed in the last quarter's report,
so the missing lists and the contact's home page have something to show. Each activist's contact
talks with them once a quarter, and the branch talked with every applicant after the application.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from learnapp import clock
from learnapp.accounts.models import ContactAssignment, Role, RoleGrant, User
from learnapp.contactwork import review, talks
from learnapp.contactwork.access import REPORTING_STAGES
from learnapp.contactwork.models import ReportStatus, Talk, ThoughtReport
from learnapp.contactwork.queries import FIRST_QUARTER_GRACE_DAYS, last_quarters
from learnapp.contactwork.reports import quarter_bounds
from learnapp.db import db
from learnapp.development import queries as development_queries

TOPICS = ["学习党章和入党动机", "近期工作和学习情况", "学习党的二十大精神的体会", "家庭情况和思想动态"]
REPORT_BODY = ("敬爱的党组织：\n本季度我认真学习了《中国共产党章程》和党的创新理论，按时参加支部组织的主题党日活动。"
               "通过学习，我进一步端正了入党动机，认识到自己在理论联系实际方面还有不足。今后我将继续加强学习，"
               "在工作中发挥积极作用，自觉接受党组织的教育和考察。\n汇报人：{name}")
COMMENTS = ["汇报内容充实，联系工作实际，继续保持。", "认识比较深刻，建议多结合本职工作谈体会。"]


def _moment(day: date) -> datetime:
    """10:00 local time on `day`, as the UTC moment stored."""
    local = datetime.combine(day, time(10, 0), tzinfo=clock.local_tz())
    return local.astimezone(clock.now().tzinfo)


def _since(person: User) -> date | None:
    return db.session.scalar(select(development_queries.entered_on(person.id, REPORTING_STAGES)))


def _talk(actor, person, day: date, n: int, kind: str = "regular") -> None:
    if db.session.scalar(select(Talk.id).where(Talk.user_id == person.id, Talk.held_on == day)):
        return
    talks.record_talk(actor, person, talks.TalkInput(
        held_on=day, place="支部办公室" if n % 3 else "", form="in_person" if n % 3 else "phone",
        topics=TOPICS[n % len(TOPICS)], kind=kind,
        summary="谈话对象思想稳定，学习态度端正，能正确对待组织的考察。" if kind == "regular"
        else "了解了申请入党的动机和对党的认识，介绍了入党的条件和程序。",
        follow_up="下季度读完《中国共产党章程》，按时提交思想汇报。" if kind == "regular" else "列入入党积极分子推荐人选。"))


def _reports(person: User, reader: User | None, skip_last: bool, today: date) -> None:
    since = _since(person)
    if since is None:
        return
    for i, (year, quarter) in enumerate(last_quarters(today)):
        first, last = quarter_bounds(year, quarter)
        if since > last - timedelta(days=FIRST_QUARTER_GRACE_DAYS) or (skip_last and i == 0):
            continue
        if db.session.scalar(select(ThoughtReport.id).where(ThoughtReport.user_id == person.id,
                                                            ThoughtReport.year == year, ThoughtReport.quarter == quarter)):
            continue
        handed_in = last - timedelta(days=10 + person.id % 7)
        report = ThoughtReport(user_id=person.id, year=year, quarter=quarter, status=ReportStatus.submitted,
                               title=f"{year}年第{quarter}季度思想汇报", body=REPORT_BODY.format(name=person.name),
                               submitted_at=_moment(handed_in), late=False)
        if reader is not None:
            report.status, report.read_by_id = ReportStatus.read, reader.id
            report.read_at = _moment(handed_in + timedelta(days=5))
            report.comment = COMMENTS[(person.id + quarter) % len(COMMENTS)]
        db.session.add(report)


def _dossiers(ctx, today: date) -> None:
    """Two development targets of the first branch: one review concluded 合格, one awaiting a letter."""
    branch = next(iter(b for name, b in ctx.branches.items() if name.endswith("党支部")), None)
    if branch is None:
        return
    targets = db.session.scalars(select(User).where(User.branch_id == branch.id, User.stage == "development_target")
                                 .order_by(User.login_id)).all()
    secretary = db.session.scalar(select(User).join(RoleGrant, RoleGrant.user_id == User.id).where(
        RoleGrant.role == Role.branch_admin, RoleGrant.branch_id == branch.id))
    if secretary is None:
        return
    for n, person in enumerate(targets[:2]):
        if review.review_of(person) is not None:
            continue
        start = today - timedelta(days=60)
        review.update_review(secretary, person, review.ReviewInput(own_record="本人历史清楚，政治立场坚定，工作认真负责，无违法违纪记录。"))
        review.add_relative(secretary, person, review.RelativeInput(relation="父亲", name=person.name[0] + "某", political_status="中共党员",
                                                                    employer="某区教育局 退休", opinion="政治历史清楚。"))
        review.add_relative(secretary, person, review.RelativeInput(relation="母亲", name="刘某", political_status="群众",
                                                                    employer="某街道社区 职员", opinion="无问题。"))
        letter = review.add_letter(secretary, person, review.LetterInput(addressee="户籍所在地街道党工委", subject="本人及家庭情况",
                                                                         sent_on=start))
        if n == 0:
            review.update_letter(secretary, letter, review.LetterInput(
                addressee=letter.addressee, subject=letter.subject, sent_on=start, returned_on=start + timedelta(days=20),
                result="经核实，本人及家庭成员政治历史清楚，未发现问题。"))
            review.update_review(secretary, person, review.ReviewInput(
                own_record="本人历史清楚，政治立场坚定，工作认真负责，无违法违纪记录。",
                discipline_opinion="经查，无违纪违法问题线索。", discipline_opinion_on=start + timedelta(days=10),
                hr_opinion="人事档案齐全，与本人所述一致。", hr_opinion_on=start + timedelta(days=12),
                conclusion="qualified", concluded_on=start + timedelta(days=25), conclusion_note="政审合格。"))


def load_demo(ctx) -> None:
    """Talks, thought reports and political reviews of the demo people (idempotent)."""
    today = clock.today()
    pairs = db.session.execute(select(ContactAssignment.contact_id, ContactAssignment.learner_id)
                               .where(ContactAssignment.active).order_by(ContactAssignment.learner_id)).all()
    contact_of = {learner_id: contact_id for contact_id, learner_id in pairs}
    secretaries = {g.branch_id: g.user for g in db.session.scalars(select(RoleGrant).where(RoleGrant.role == Role.branch_admin))}
    # The one who has not handed in the last quarter's report: the first person with a contact who owed it.
    last_year, last_quarter = last_quarters(today, 1)[0]
    owed_by = quarter_bounds(last_year, last_quarter)[1] - timedelta(days=FIRST_QUARTER_GRACE_DAYS)
    first_with_contact = next((learner_id for _c, learner_id in pairs
                               if (_since(db.session.get(User, learner_id)) or today) <= owed_by), None)
    for n, (contact_id, learner_id) in enumerate(pairs):
        contact, learner = db.session.get(User, contact_id), db.session.get(User, learner_id)
        since = _since(learner) or today
        for i, (year, quarter) in enumerate(reversed(last_quarters(today))):
            day = quarter_bounds(year, quarter)[0] + timedelta(days=40 + (n + i) % 20)
            if since <= day < today:
                _talk(contact, learner, day, n + i)
    people = db.session.scalars(select(User).where(User.active, User.stage.in_(REPORTING_STAGES)).order_by(User.id)).all()
    for person in people:
        contact_id = contact_of.get(person.id)
        reader = db.session.get(User, contact_id) if contact_id else secretaries.get(person.branch_id)
        _reports(person, reader, skip_last=person.id == first_with_contact, today=today)
    # The talk with each applicant within a month of the application, by the branch.
    for person in db.session.scalars(select(User).where(User.active, User.stage == "applicant").order_by(User.id)):
        secretary = secretaries.get(person.branch_id)
        applied = db.session.scalar(select(development_queries.applied_on(person.id)))
        if secretary is not None and applied is not None and applied + timedelta(days=14) < today:
            _talk(secretary, person, applied + timedelta(days=14), person.id, kind="after_application")
    _dossiers(ctx, today)
    db.session.flush()
