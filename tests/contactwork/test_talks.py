"""Talks (谈心谈话): who records them, what the person sees of them, validation and audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from learnapp.contactwork import talks
from learnapp.contactwork.models import Talk, TalkKind
from learnapp.db import db
from learnapp.errors import DomainError
from tests.helpers.contactwork import talk_input


def test_contact_and_branch_record_talks_others_may_not(app, clock, org):
    talks.record_talk(org.contact_a, org.learner_a, talk_input())
    talks.record_talk(org.admin_g1, org.learner_a, talk_input(kind="after_application"))
    for outsider, person in ((org.auditor, org.learner_a), (org.learner_a, org.learner_a), (org.admin_a, org.learner_c),
                             (org.contact_a, org.learner_b)):
        with pytest.raises(talks.NotAllowed):
            talks.record_talk(outsider, person, talk_input())
    kinds = sorted(t.kind for t in db.session.scalars(select(Talk)))
    assert kinds == [TalkKind.after_application, TalkKind.regular]


def test_every_bad_field_is_named(app, clock, org):
    with pytest.raises(DomainError) as exc:
        talks.record_talk(org.contact_a, org.learner_a, talk_input(held_on=date(2026, 7, 1), form="carrier pigeon",
                                                                    topics=" ", summary=""))
    assert {field for field, _m in exc.value.reasons} == {"held_on", "form", "topics", "summary"}
    assert db.session.scalar(select(Talk)) is None


def test_edit_and_delete_are_audited_with_before_and_after(app, clock, org):
    talk = talks.record_talk(org.contact_a, org.learner_a, talk_input())
    talks.update_talk(org.admin_a, talk, talk_input(summary="补充：谈到了家庭情况。"))
    with pytest.raises(DomainError):
        talks.delete_talk(org.contact_a, talk, reason=" ")
    talks.delete_talk(org.contact_a, talk, reason="重复录入")
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("talk.%")).order_by(AuditEntry.seq)))
    assert [e.action for e in entries] == ["talk.create", "talk.update", "talk.delete"]
    assert entries[1].details["before"]["summary"] == "交流了近期学习党章的体会。"
    assert entries[1].details["after"]["summary"] == "补充：谈到了家庭情况。"
    assert entries[2].details["reason"] == "重复录入"


def test_the_person_sees_that_a_talk_happened_not_the_notes(app, client, clock, org, login):
    talks.record_talk(org.contact_a, org.learner_a, talk_input(summary="私下记录：工作压力较大。"))
    db.session.commit()
    login(org.learner_a)
    own = client.get(f"/contact-work/people/{org.learner_a.id}").get_data(as_text=True)
    assert "2026" in own and "私下记录" not in own and "学习党章" not in own
    login(org.contact_a)
    page = client.get(f"/contact-work/people/{org.learner_a.id}").get_data(as_text=True)
    assert "私下记录：工作压力较大。" in page
    login(org.auditor)
    assert "私下记录" in client.get(f"/contact-work/people/{org.learner_a.id}").get_data(as_text=True)


def test_recording_a_talk_through_the_form(app, client, clock, org, login):
    login(org.contact_a)
    bad = client.post(f"/contact-work/people/{org.learner_a.id}/talks/new",
                      data={"held_on": "2026-06-10", "form": "phone", "kind": "regular", "topics": "", "summary": "x"})
    assert bad.status_code == 400
    response = client.post(f"/contact-work/people/{org.learner_a.id}/talks/new",
                           data={"held_on": "2026-06-10", "form": "video", "kind": "after_application",
                                 "place": "", "topics": "入党动机", "summary": "视频谈话，动机端正。"})
    assert response.status_code == 302
    talk = db.session.scalar(select(Talk))
    assert (talk.held_on, talk.form.value, talk.kind.value, talk.recorded_by_id) == (
        date(2026, 6, 10), "video", "after_application", org.contact_a.id)


def test_the_talk_after_the_application_is_the_development_files_step_once(app, clock, org):
    """Step 2 of the file, dated by the talk; a second such talk adds no second step. A late one is
    recorded as it happened (the development check lists it) rather than refused."""
    from learnapp.accounts.models import Stage
    from tests.helpers import factories

    applicant = factories.make_user(org.branch_a, Stage.applicant)
    talks.record_talk(org.admin_a, applicant, talk_input(kind=TalkKind.after_application, held_on=date(2026, 6, 1)))
    talks.record_talk(org.admin_a, applicant, talk_input(kind=TalkKind.after_application, held_on=date(2026, 6, 5)))
    steps = [(s.code, s.done_on) for s in applicant.development_steps if s.code == "application_talk"]
    assert steps == [("application_talk", date(2026, 6, 1))]
    talks.record_talk(org.admin_a, org.learner_a, talk_input(held_on=date(2026, 6, 2)))  # a regular talk: no step
    assert not any(s.code == "application_talk" for s in org.learner_a.development_steps)
