"""Home page per role: administrators see shortcuts to their pages, learners their contacts."""

from __future__ import annotations


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_learner_sees_no_admin_shortcuts_but_their_contact(client, org, login):
    login(org.learner_a)
    page = _text(client.get("/"))
    assert "/people/" not in page and "/audit/" not in page
    assert org.contact_a.name in page


def test_contact_sees_their_learners(client, org, login):
    login(org.contact_a)
    assert org.learner_a.name in _text(client.get("/"))


def test_branch_admin_shortcuts(client, org, login):
    login(org.admin_a)
    page = _text(client.get("/"))
    assert "/people/import" in page and "/people/new" in page and "/org/" in page and "/audit/" in page
    assert "/audit/verify" not in page


def test_committee_admin_and_auditor_shortcuts(client, org, login):
    login(org.committee_admin)
    page = _text(client.get("/"))
    assert "/people/import" in page and "/audit/verify" in page
    login(org.auditor)
    page = _text(client.get("/"))
    assert "/audit/verify" in page and "/people/import" not in page and "/people/new" not in page


def test_ended_training_relations_are_not_shown(client, org, login, db):
    from learnapp.accounts import services
    from learnapp.accounts.models import ContactAssignment, Stage
    from tests.helpers import factories

    former = factories.make_user(org.branch_a, Stage.full_member, name="前联系人")
    factories.assign_contact(former, org.learner_a)
    ended = db.session.scalar(db.select(ContactAssignment).where(ContactAssignment.contact_id == former.id))
    services.end_contact(org.admin_a, ended)
    db.session.commit()
    login(org.learner_a)
    page = _text(client.get("/"))
    assert org.contact_a.name in page and "前联系人" not in page
    login(former)
    assert org.learner_a.name not in _text(client.get("/"))
