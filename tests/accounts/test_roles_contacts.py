"""Granting and revoking roles; assigning and ending training contacts."""

from __future__ import annotations

from sqlalchemy import select

from learnapp.accounts.models import ContactAssignment, Role, RoleGrant, Stage
from learnapp.audit.models import AuditEntry
from tests.helpers import factories


def _grants(db, user):
    return {(g.role, g.branch_id) for g in db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id))}


def test_branch_admin_grants_and_revokes_branch_admin(client, org, login, db):
    login(org.admin_a)
    page = client.get(f"/people/{org.contact_a.id}/roles").get_data(as_text=True)
    assert 'value="auditor"' not in page and 'value="committee_admin"' not in page
    response = client.post(f"/people/{org.contact_a.id}/roles", data={"role": "branch_admin", "branch_id": org.branch_a.id})
    assert response.status_code == 302
    assert _grants(db, org.contact_a) == {(Role.branch_admin, org.branch_a.id)}
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == org.contact_a.id))
    assert client.post(f"/people/{org.contact_a.id}/roles/{grant.id}/revoke").status_code == 302
    assert _grants(db, org.contact_a) == set()
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.not_like("auth.%")).order_by(AuditEntry.seq)).all()
    assert actions == ["role.grant", "role.revoke"]


def test_branch_admin_cannot_grant_auditor_or_outside_scope(client, org, login, db):
    login(org.admin_a)
    response = client.post(f"/people/{org.contact_a.id}/roles", data={"role": "auditor", "branch_id": org.branch_a.id})
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    response = client.post(f"/people/{org.contact_a.id}/roles", data={"role": "branch_admin", "branch_id": org.branch_c.id})
    assert 'class="error"' in response.get_data(as_text=True)
    assert _grants(db, org.contact_a) == set()


def test_branch_admin_cannot_revoke_the_committees_roles(client, org, login, db):
    factories.make_user(org.branch_a, Stage.full_member, login_id="inspector", roles=[(Role.auditor, org.branch_a)])
    db.session.commit()
    inspector = db.session.scalar(select(factories.User).where(factories.User.login_id == "inspector"))
    grant = inspector.grants[0]
    login(org.admin_a)
    page = client.get(f"/people/{inspector.id}/roles").get_data(as_text=True)
    assert f"/roles/{grant.id}/revoke" not in page
    client.post(f"/people/{inspector.id}/roles/{grant.id}/revoke")
    assert _grants(db, inspector) == {(Role.auditor, org.branch_a.id)}


def test_committee_admin_grants_committee_roles_on_the_root_only(client, org, login, db):
    login(org.committee_admin)
    bad = client.post(f"/people/{org.contact_a.id}/roles", data={"role": "committee_admin", "branch_id": org.branch_a.id})
    assert 'class="error"' in bad.get_data(as_text=True)
    ok = client.post(f"/people/{org.contact_a.id}/roles", data={"role": "auditor", "branch_id": org.committee.id})
    assert ok.status_code == 302
    assert _grants(db, org.contact_a) == {(Role.auditor, org.committee.id)}


def test_assign_and_end_training_contacts(client, org, login, db):
    mentor = factories.make_user(org.branch_a, Stage.full_member, login_id="mentor")
    factories.make_user(org.branch_c, Stage.full_member, login_id="far_mentor")
    db.session.commit()
    login(org.admin_a)
    page = client.get(f"/people/{org.learner_a.id}/contacts").get_data(as_text=True)
    assert 'value="mentor"' in page and "far_mentor" not in page
    assert client.post(f"/people/{org.learner_a.id}/contacts", data={"contact_login_id": "MENTOR"}).status_code == 302
    third = factories.make_user(org.branch_a, Stage.full_member, login_id="third")
    db.session.commit()
    too_many = client.post(f"/people/{org.learner_a.id}/contacts", data={"contact_login_id": third.login_id})
    assert 'class="error"' in too_many.get_data(as_text=True)  # at most two
    outside = client.post(f"/people/{org.learner_a.id}/contacts", data={"contact_login_id": "far_mentor"})
    assert 'class="error"' in outside.get_data(as_text=True)
    not_member = client.post(f"/people/{org.learner_a.id}/contacts", data={"contact_login_id": "learner_b"})
    assert 'class="error"' in not_member.get_data(as_text=True)
    assignment = db.session.scalar(select(ContactAssignment).where(ContactAssignment.contact_id == mentor.id))
    assert client.post(f"/people/{org.learner_a.id}/contacts/{assignment.id}/end").status_code == 302
    db.session.refresh(assignment)
    assert not assignment.active
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.not_like("auth.%")).order_by(AuditEntry.seq)).all()
    assert actions == ["contact.assign", "contact.end"]
