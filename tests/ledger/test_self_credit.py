"""Nobody credits themselves: an admin cannot record their own attendance (roster tick or sign-in
sheet), approve their own claim or adjust or correct their own record; another administrator
(the committee) can. Checking in with the code shown at the activity stays every attendee's own act."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from learnapp.errors import DomainError
from learnapp.ledger import activities, checkin, claims, queries, services, sheets
from tests.helpers.ledger import sched, submit


@pytest.fixture
def own_lecture(org, db):
    """admin_a organises a lecture for branch_a, their own branch: they are in its audience."""
    activity = activities.create_activity(org.admin_a, branch=org.branch_a, category="lecture", title="党课",
                                          schedule=sched(date(2026, 6, 15), time(9, 0), time(11, 30)))
    db.session.commit()
    return activity


def _sheet(rows) -> bytes:
    wb = Workbook()
    for row in [["登录名", "姓名", "签到"], *rows]:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_roster_tick_of_oneself_is_refused(org, db, own_lecture):
    with pytest.raises(DomainError):
        activities.record_roster(org.admin_a, own_lecture, {org.admin_a.id, org.learner_a.id})
    db.session.rollback()
    assert queries.year_total(org.admin_a.id, 2026) == 0 and queries.year_total(org.learner_a.id, 2026) == 0


def test_sign_in_sheet_listing_oneself_is_refused(org, db, own_lecture):
    with pytest.raises(DomainError) as info:
        sheets.import_sheet(org.admin_a, own_lecture, _sheet([["learner_a", "", "是"], ["admin_a", "", "是"]]))
    assert "3" in info.value.messages[0]
    db.session.rollback()
    assert queries.year_total(org.admin_a.id, 2026) == 0 and queries.year_total(org.learner_a.id, 2026) == 0


def test_the_committee_records_it_and_the_admins_own_roster_leaves_it(org, db, own_lecture):
    activities.record_roster(org.committee_admin, own_lecture, {org.admin_a.id})
    assert queries.year_total(org.admin_a.id, 2026) == 400
    # admin_a saves the roster (their own box is disabled, so not sent): their attendance stays.
    activities.record_roster(org.admin_a, own_lecture, {org.learner_a.id})
    assert queries.year_total(org.admin_a.id, 2026) == 400 and queries.year_total(org.learner_a.id, 2026) == 400
    # A pre-filled sheet lists them as present already: nothing new, so no refusal.
    sheets.import_sheet(org.admin_a, own_lecture, _sheet([["admin_a", "", "是"], ["learner_a", "", "是"]]))


def test_roster_page_disables_ones_own_box(client, org, login, db, own_lecture):
    login(org.admin_a)
    page = client.get(f"/ledger/activities/{own_lecture.id}").get_data(as_text=True)
    assert f'name="present" value="{org.learner_a.id}"' in page
    assert f'value="{org.admin_a.id}"' not in page and f'id="p{org.admin_a.id}"' in page
    response = client.post(f"/ledger/activities/{own_lecture.id}/attendance", data={"present": [str(org.admin_a.id)]})
    assert response.status_code == 302 and queries.year_total(org.admin_a.id, 2026) == 0


def test_adjustment_reversal_and_claim_approval_of_oneself_are_refused(org, db):
    with pytest.raises(DomainError):
        services.adjust(org.admin_a, org.admin_a, credit_hundredths=500, occurred_on=date(2026, 6, 1), reason="自加")
    claim = submit(org.admin_a)
    with pytest.raises(DomainError):
        claims.approve_claim(org.admin_a, claim.id)
    assert queries.year_total(org.admin_a.id, 2026) == 0
    claims.approve_claim(org.admin_g1, claim.id)  # another administrator above them may
    entry = db.session.scalar(select(services.LedgerEntry).where(services.LedgerEntry.user_id == org.admin_a.id))
    with pytest.raises(DomainError):
        services.reverse_entry(org.admin_a, entry, "撤销")


def test_self_check_in_with_the_code_stays_allowed_and_is_on_the_record(org, db, clock, own_lecture):
    clock.set(datetime(2026, 6, 15, 1, 0, tzinfo=UTC))
    outcome = checkin.check_in_with_code(org.admin_a, own_lecture.checkin_code)
    assert outcome.change.credit == 400
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "attendance.checkin_by_organiser"))
    assert entry is not None and entry.actor_id == org.admin_a.id
    # An ordinary attendee's check-in makes no audit entry of its own.
    checkin.check_in_with_code(org.learner_a, own_lecture.checkin_code)
    assert db.session.scalar(select(db.func.count(AuditEntry.id))
                             .where(AuditEntry.action == "attendance.checkin_by_organiser")) == 1
