"""Every endpoint of the accounts and people blueprints, for the permission matrix."""

from __future__ import annotations

import io

from learnapp.accounts.models import Role, RoleGrant, Stage
from learnapp.db import db
from tests.helpers import factories
from tests.helpers.matrix import ADMINS, COMMITTEE, READERS, ROLES, SIGNED_IN, Page

EVERYONE = frozenset(ROLES)
COMMITTEE_READERS = COMMITTEE | {"auditor"}


def _csv() -> io.BytesIO:
    return io.BytesIO("姓名,工号,支部,阶段\n新人,matrix_new,甲支部,入党申请人\n".encode())


def pages(org) -> list[Page]:
    a = factories.make_user(org.branch_a, Stage.activist, login_id="victim_a")
    c = factories.make_user(org.branch_c, Stage.activist, login_id="victim_c")
    mentor_a = factories.make_user(org.branch_a, Stage.full_member, login_id="mentor_a")
    mentor_c = factories.make_user(org.branch_c, Stage.full_member, login_id="mentor_c")
    grant_a = RoleGrant(user=a, role=Role.branch_admin, branch=org.branch_a)
    grant_c = RoleGrant(user=c, role=Role.branch_admin, branch=org.branch_c)
    db.session.add_all([grant_a, grant_c])
    factories.assign_contact(mentor_a, a)
    factories.assign_contact(mentor_c, c)
    db.session.flush()
    ca = next(x for x in a.grants if x.role == Role.branch_admin)
    assignment_a = db.session.scalars(db.select(factories.ContactAssignment).filter_by(learner_id=a.id)).one()
    assignment_c = db.session.scalars(db.select(factories.ContactAssignment).filter_by(learner_id=c.id)).one()
    person = {"name": "新同志", "login_id": "newbie", "branch_id": org.branch_a.id, "stage": "applicant"}
    return [
        # accounts: login, logout, password, language, own account
        Page("accounts.login", "/login", EVERYONE),
        Page("accounts.login", "/login", EVERYONE, "POST", {"login_id": "nobody", "password": "wrong"}, note="wrong"),
        Page("accounts.my_account", "/account", SIGNED_IN),
        Page("accounts.change_password", "/account/password", SIGNED_IN),
        Page("accounts.change_password", "/account/password", SIGNED_IN, "POST", {"current_password": "x"}, note="bad"),
        Page("accounts.set_language", "/language", EVERYONE, "POST", {"locale": "en", "next": "/"}),
        Page("accounts.logout", "/logout", SIGNED_IN, "POST"),
        # people: lists and pages
        Page("people.index", "/people/", READERS),
        Page("people.index", f"/people/?branch={org.branch_a.id}", READERS, note="branch a"),
        Page("people.index", f"/people/?branch={org.branch_c.id}", COMMITTEE_READERS, note="branch c"),
        Page("people.export", "/people/export.xlsx", READERS),
        Page("people.detail", f"/people/{a.id}", READERS, note="a"),
        Page("people.detail", f"/people/{c.id}", COMMITTEE_READERS, note="c"),
        Page("people.create", "/people/new", ADMINS),
        Page("people.create", "/people/new", ADMINS, "POST", person),
        Page("people.edit", f"/people/{a.id}/edit", ADMINS, note="a"),
        Page("people.edit", f"/people/{c.id}/edit", COMMITTEE, note="c"),
        Page("people.edit", f"/people/{a.id}/edit", ADMINS, "POST",
             {"name": "改名", "login_id": "victim_a", "branch_id": org.branch_a.id}, note="a"),
        Page("people.edit", f"/people/{c.id}/edit", COMMITTEE, "POST",
             {"name": "改名", "login_id": "victim_c", "branch_id": org.branch_c.id}, note="c"),
        Page("people.roles", f"/people/{a.id}/roles", ADMINS, note="a"),
        Page("people.roles", f"/people/{c.id}/roles", COMMITTEE, note="c"),
        Page("people.roles", f"/people/{a.id}/roles", ADMINS, "POST",
             {"role": "branch_admin", "branch_id": org.branch_a.id}, note="a"),
        Page("people.roles", f"/people/{c.id}/roles", COMMITTEE, "POST",
             {"role": "branch_admin", "branch_id": org.branch_c.id}, note="c"),
        Page("people.revoke_role", f"/people/{a.id}/roles/{ca.id}/revoke", ADMINS, "POST", note="a"),
        Page("people.revoke_role", f"/people/{c.id}/roles/{grant_c.id}/revoke", COMMITTEE, "POST", note="c"),
        Page("people.revoke_role", f"/people/{a.id}/roles/{grant_c.id}/revoke", frozenset(), "POST",
             note="grant of another person"),
        Page("people.contacts", f"/people/{a.id}/contacts", ADMINS, note="a"),
        Page("people.contacts", f"/people/{c.id}/contacts", COMMITTEE, note="c"),
        Page("people.contacts", f"/people/{a.id}/contacts", ADMINS, "POST", {"contact_login_id": "contact_a"}, note="a"),
        Page("people.contacts", f"/people/{c.id}/contacts", COMMITTEE, "POST", {"contact_login_id": "contact_a"}, note="c"),
        Page("people.end_contact", f"/people/{a.id}/contacts/{assignment_a.id}/end", ADMINS, "POST", note="a"),
        Page("people.end_contact", f"/people/{c.id}/contacts/{assignment_c.id}/end", COMMITTEE, "POST", note="c"),
        Page("people.end_contact", f"/people/{a.id}/contacts/{assignment_c.id}/end", frozenset(), "POST",
             note="assignment of another person"),
        Page("people.reset_password", f"/people/{a.id}/password", ADMINS, "POST", note="a"),
        Page("people.reset_password", f"/people/{c.id}/password", COMMITTEE, "POST", note="c"),
        Page("people.deactivate", f"/people/{a.id}/deactivate", ADMINS, "POST", note="a"),
        Page("people.deactivate", f"/people/{c.id}/deactivate", COMMITTEE, "POST", note="c"),
        Page("people.activate", f"/people/{a.id}/activate", ADMINS, "POST", note="a"),
        Page("people.activate", f"/people/{c.id}/activate", COMMITTEE, "POST", note="c"),
        # roster import
        Page("people.roster_import", "/people/import", ADMINS),
        Page("people.roster_import", "/people/import", ADMINS, "POST", {"file": (_csv(), "roster.csv")}),
        Page("people.roster_template_xlsx", "/people/import/template.xlsx", ADMINS),
        Page("people.roster_template_csv", "/people/import/template.csv", ADMINS),
    ]
