"""Activities and attendance: roster, corrections, sign-in sheet, check-in code."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time

import pytest
from openpyxl import Workbook

from learnapp.accounts.models import Stage
from learnapp.errors import DomainError
from learnapp.ledger import activities, checkin, queries, sheets
from learnapp.ledger.models import LedgerEntry
from learnapp.ledger.offline_models import Attendance
from tests.helpers.factories import make_user
from tests.helpers.ledger import LECTURE_DAY, sched


def lecture(org, actor=None, branch=None, **kw):
    return activities.create_activity(actor or org.admin_a, branch=branch or org.branch_a, category="lecture",
                                      title="党课：学习贯彻党的二十大精神", schedule=sched(LECTURE_DAY, time(9, 0), time(11, 30)),
                                      place="三楼会议室", organiser="市委党校 王教授", **kw)


def test_roster_credits_four_hours_to_each_attendee(org, db):
    activity = lecture(org)
    people = [u for u, _a in db.session.execute(activities.roster(activity, org.admin_a)).all()]
    assert org.learner_a in people and org.learner_b not in people  # audience: branch_a
    changes = activities.record_roster(org.admin_a, activity, {org.learner_a.id, org.contact_a.id})
    db.session.commit()
    assert {c.user.id: c.credit for c in changes} == {org.learner_a.id: 400, org.contact_a.id: 400}
    assert queries.year_total(org.learner_a.id, 2026) == 400
    assert queries.year_total(org.admin_a.id, 2026) == 0  # absent: no credit
    # Saving the same roster again changes nothing.
    assert activities.record_roster(org.admin_a, activity, {org.learner_a.id, org.contact_a.id}) == []


def test_correction_reverses_with_reason_and_can_be_undone(org, db):
    activity = lecture(org)
    activities.record_roster(org.admin_a, activity, {org.learner_a.id})
    with pytest.raises(DomainError) as info:
        activities.record_roster(org.admin_a, activity, set())
    assert info.value.reasons[0][0] == "reason"
    activities.record_roster(org.admin_a, activity, set(), reason="误勾选")
    assert queries.year_total(org.learner_a.id, 2026) == 0
    reversal = db.session.scalar(db.select(LedgerEntry).where(LedgerEntry.source_type == "reversal"))
    assert reversal.reason == "误勾选" and reversal.credit_hundredths == -400
    activities.record_roster(org.admin_a, activity, {org.learner_a.id})
    assert queries.year_total(org.learner_a.id, 2026) == 400
    assert db.session.scalar(db.select(db.func.count(LedgerEntry.id))) == 3


def test_scope_and_timing(org, db, clock):
    with pytest.raises(DomainError):
        lecture(org, branch=org.branch_c)  # admin_a does not administer branch_c
    activity = lecture(org)
    with pytest.raises(DomainError):
        activities.set_attendance(org.admin_a, activity, org.learner_c, True, "roster")
    future = activities.create_activity(org.admin_a, branch=org.branch_a, category="lecture", title="下周党课",
                                        schedule=sched(date(2026, 6, 22)))
    with pytest.raises(DomainError):
        activities.set_attendance(org.admin_a, future, org.learner_a, True, "roster")


def test_attendance_locked_fields(org, db):
    activity = lecture(org)
    activities.record_roster(org.admin_a, activity, {org.learner_a.id})
    with pytest.raises(DomainError):
        activities.update_activity(org.admin_a, activity, category="lecture", title="x",
                                   schedule=sched(LECTURE_DAY, time(9, 0), time(17, 0)), place=None, organiser=None,
                                   description=None, audience=[org.branch_a], stages=[])
    with pytest.raises(DomainError):
        activities.cancel_activity(org.admin_a, activity)


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_sign_in_sheet_all_or_nothing(org, db):
    activity = lecture(org)
    bad = _xlsx([["登录名", "姓名", "签到"], ["learner_a", org.learner_a.name, "是"], ["nobody", "", "是"],
                 ["learner_c", "", "是"], ["contact_a", "别人", "是"], ["admin_a", "", "maybe"]])
    with pytest.raises(DomainError) as info:
        sheets.import_sheet(org.admin_a, activity, bad)
    assert len(info.value.reasons) == 1 and "6" in info.value.messages[0]  # the bad mark, found first
    bad2 = _xlsx([["登录名", "姓名", "签到"], ["learner_a", org.learner_a.name, "是"], ["nobody", "", "是"],
                  ["learner_c", "", "是"], ["contact_a", "别人", "是"]])
    with pytest.raises(DomainError) as info:
        sheets.import_sheet(org.admin_a, activity, bad2)
    assert len(info.value.reasons) == 3
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0
    good = _xlsx([["登录名", "姓名", "签到"], ["learner_a", org.learner_a.name, "是"], ["contact_a", "", ""], [None, None, None]])
    changes = sheets.import_sheet(org.admin_a, activity, good)
    assert [c.user.login_id for c in changes] == ["learner_a"]
    with pytest.raises(DomainError):
        sheets.import_sheet(org.admin_a, activity, b"not a zip")
    template = sheets.template(activity, org.admin_a)
    assert template.startswith(b"PK")


def test_check_in_with_code_during_the_activity(org, db, clock):
    activity = lecture(org)
    code = activity.checkin_code

    def refused(user, code):
        outcome = checkin.check_in_with_code(user, code)
        return outcome.refusal is not None and outcome.change is None

    clock.set(datetime(2026, 6, 15, 0, 0, tzinfo=UTC))  # 08:00 local: too early (window opens 08:30)
    assert refused(org.learner_a, code)
    clock.set(datetime(2026, 6, 15, 1, 0, tzinfo=UTC))  # 09:00 local
    assert refused(org.learner_b, code)        # not in the audience
    assert refused(org.learner_a, "000000" if code != "000000" else "111111")
    outcome = checkin.check_in_with_code(org.learner_a, code)
    assert outcome.activity.id == activity.id and outcome.change.credit == 400
    assert checkin.check_in_with_code(org.learner_a, code).change is None  # twice: nothing more
    assert queries.year_total(org.learner_a.id, 2026) == 400


def test_audience_stage_filter(org, db):
    activity = lecture(org, stages=["development_target"])
    dev = make_user(org.branch_a, Stage.development_target)
    people = [u for u, _a in db.session.execute(activities.roster(activity, org.admin_a)).all()]
    assert people == [dev]
