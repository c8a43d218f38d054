"""The political review dossier: confidentiality, every read audited, the conclusion's requirements."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from learnapp.contactwork import review
from learnapp.contactwork.review import LetterInput, ReviewInput
from learnapp.db import db
from learnapp.development.history import record_history
from learnapp.errors import DomainError
from learnapp.security import SYSTEM
from tests.helpers.contactwork import dossier


def _reads() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "political_review.read")
                                   .order_by(AuditEntry.seq)))


def _complete(actor, person, **changes):
    values = {"own_record": "历史清楚，表现良好。", "discipline_opinion": "无违纪记录。", "discipline_opinion_on": date(2026, 5, 20),
              "hr_opinion": "档案齐全。", "hr_opinion_on": date(2026, 5, 21), "conclusion": "qualified",
              "concluded_on": date(2026, 6, 1)}
    values.update(changes)
    return review.update_review(actor, person, ReviewInput(**values))


@pytest.mark.parametrize("who", ["contact_a", "learner_a", "admin_a"])
def test_contact_person_and_other_branch_admins_get_404(app, client, clock, org, login, who):
    dossier(org.committee_admin, org.learner_a)
    dossier(org.committee_admin, org.learner_c)
    db.session.commit()
    login(getattr(org, who))
    target = org.learner_c if who == "admin_a" else org.learner_a
    for url in (f"/contact-work/people/{target.id}/political-review", f"/contact-work/people/{target.id}/political-review/edit"):
        assert client.get(url).status_code == 404, url
    assert _reads() == []
    if who != "admin_a":
        assert "政审" not in client.get(f"/contact-work/people/{org.learner_a.id}").get_data(as_text=True)


def test_every_read_is_audited_and_the_auditor_only_reads(app, client, clock, org, login):
    relative, letter = dossier(org.admin_a, org.learner_a)
    db.session.commit()
    login(org.auditor)
    page = client.get(f"/contact-work/people/{org.learner_a.id}/political-review")
    assert page.status_code == 200 and "王某" in page.get_data(as_text=True)
    client.get(f"/contact-work/people/{org.learner_a.id}/political-review")
    reads = _reads()
    assert [(e.actor_id, e.details["page"]) for e in reads] == [(org.auditor.id, "dossier")] * 2
    assert reads[0].branch_path == org.branch_a.path
    assert client.get(f"/contact-work/people/{org.learner_a.id}/political-review/edit").status_code == 403
    assert client.post(f"/contact-work/political-review/relatives/{relative.id}/delete").status_code == 403
    login(org.admin_g1)
    assert client.get(f"/contact-work/political-review/letters/{letter.id}/edit").status_code == 200
    assert client.get(f"/contact-work/people/{org.learner_a.id}/political-review/edit").status_code == 200
    assert [e.details["page"] for e in _reads()[2:]] == ["letter", "edit"]
    with pytest.raises(review.NotAllowed):
        review.record_read(org.contact_a, org.learner_a, "dossier")


def _development_target(person) -> None:
    """Political review comes in the 发展对象 stage: the development file's guard wants it first."""
    record_history(SYSTEM, person, "target_determined", date(2026, 1, 10), audit_entry=False)


def _review_steps(person) -> list[dict]:
    return [step.data for step in person.development_steps if step.code == "political_review"]


def test_conclusion_needs_record_opinions_and_answered_letters(app, clock, org):
    _development_target(org.learner_a)
    _relative, letter = dossier(org.admin_a, org.learner_a)
    with pytest.raises(DomainError) as exc:
        _complete(org.admin_a, org.learner_a, discipline_opinion="", hr_opinion_on=None)
    fields = {field for field, _m in exc.value.reasons}
    assert {"discipline_opinion", "hr_opinion", "conclusion"} <= fields  # the letter has not come back
    assert review.political_review_conclusion(org.learner_a) is None
    review.update_letter(org.admin_a, letter, LetterInput(addressee="某街道党工委", sent_on=date(2026, 5, 10),
                                                          returned_on=date(2026, 5, 25), result="未发现问题。"))
    with pytest.raises(DomainError) as exc:
        _complete(org.admin_a, org.learner_a, concluded_on=date(2026, 5, 24))
    assert exc.value.reasons[0][0] == "concluded_on"  # before the letter came back
    with pytest.raises(DomainError) as exc:
        _complete(org.admin_a, org.learner_a, conclusion="unqualified")
    assert exc.value.reasons[0][0] == "conclusion_note"
    _complete(org.admin_a, org.learner_a)
    assert review.political_review_conclusion(org.learner_a) == ("qualified", date(2026, 6, 1))
    with pytest.raises(DomainError):  # a concluded review's basis is not changed behind it
        review.add_relative(org.admin_a, org.learner_a, review.RelativeInput(relation="配偶", name="赵某"))
    actions = [a for a in db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("political_review.%")))]
    assert "political_review.conclude" in actions and "political_review.letter_update" in actions


def test_letters_are_checked(app, clock, org):
    with pytest.raises(DomainError) as exc:
        review.add_letter(org.admin_a, org.learner_a, LetterInput(addressee="", sent_on=date(2026, 6, 1),
                                                                  returned_on=date(2026, 5, 1)))
    assert {f for f, _m in exc.value.reasons} == {"addressee", "returned_on", "result"}
    with pytest.raises(review.NotAllowed):
        review.add_letter(org.auditor, org.learner_a, LetterInput(addressee="x", sent_on=date(2026, 6, 1)))
    with pytest.raises(review.NotAllowed):
        review.add_letter(org.admin_a, org.learner_c, LetterInput(addressee="x", sent_on=date(2026, 6, 1)))


def test_conclusion_through_the_form(app, client, clock, org, login):
    _development_target(org.learner_a)
    db.session.commit()
    login(org.admin_a)
    url = f"/contact-work/people/{org.learner_a.id}/political-review/edit"
    bad = client.post(url, data={"own_record": "", "conclusion": "qualified", "concluded_on": "2026-06-01"})
    assert bad.status_code == 400
    assert review.political_review_conclusion(org.learner_a) is None
    ok = client.post(url, data={"own_record": "历史清楚。", "discipline_opinion": "无违纪。", "discipline_opinion_on": "2026-05-01",
                                "hr_opinion": "同意。", "hr_opinion_on": "2026-05-02", "conclusion": "qualified",
                                "concluded_on": "2026-06-01"})
    assert ok.status_code == 302
    assert review.political_review_conclusion(org.learner_a) == ("qualified", date(2026, 6, 1))
    db.session.expire_all()
    assert _review_steps(org.learner_a) == [{"conclusion": "qualified"}]  # the development file's step 10


def test_a_conclusion_before_the_person_is_a_development_target_is_refused(app, clock, org):
    """Its step in the development file has requirements of its own; the dossier stays open."""
    _relative, letter = dossier(org.admin_a, org.learner_a)
    review.update_letter(org.admin_a, letter, LetterInput(addressee="某街道党工委", sent_on=date(2026, 5, 10),
                                                          returned_on=date(2026, 5, 25), result="未发现问题。"))
    with pytest.raises(DomainError) as exc:
        _complete(org.admin_a, org.learner_a, concluded_on=date(2026, 6, 1))
    assert "发展对象" in exc.value.messages[0]


def test_dossier_pages_take_the_write_lock_from_the_start(app, clock, org):
    """A page whose read is audited writes on GET: on SQLite its transaction must begin as a writer."""
    from learnapp.db import requests

    person = org.learner_a.id
    for path, writes in ((f"/contact-work/people/{person}/political-review", True),
                         (f"/contact-work/people/{person}/political-review/edit", True),
                         (f"/contact-work/people/{person}", False), ("/contact-work/political-reviews", False)):
        with app.test_request_context(path):
            assert requests.current().takes_write_lock is writes, path
