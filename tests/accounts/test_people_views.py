"""People administration pages: list, person page, create, edit, stage, status, password."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from learnapp.accounts.models import Stage, User
from learnapp.audit.models import AuditEntry
from tests.helpers import factories


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_branch_admin_lists_only_their_subtree(client, org, login):
    login(org.admin_g1)
    page = _text(client.get("/people/?active=all"))
    assert "learner_a" in page and "learner_b" in page
    assert "learner_c" not in page and "cadmin" not in page


def test_search_filters_and_pagination(client, org, login, db):
    for n in range(60):
        factories.make_user(org.branch_b, Stage.applicant, login_id=f"bulk{n:02d}", name=f"批量{n:02d}")
    factories.make_user(org.branch_a, Stage.activist, login_id="gone", name="已调离", active=False)
    db.session.commit()
    login(org.committee_admin)
    assert "bulk59" not in _text(client.get(f"/people/?branch={org.branch_b.id}"))  # page 1 of 2
    second = _text(client.get(f"/people/?branch={org.branch_b.id}&page=2"))
    assert "bulk59" in second and "learner_a" not in second
    assert "gone" not in _text(client.get("/people/?q=已调离"))
    assert "gone" in _text(client.get("/people/?q=已调离&active=inactive"))
    found = _text(client.get("/people/?q=LEARNER_&stage=development_target"))
    assert "learner_c" in found and "learner_a" not in found


def test_tampered_branch_filter_is_not_found(client, org, login):
    login(org.admin_a)
    assert client.get(f"/people/?branch={org.branch_c.id}").status_code == 404
    assert client.get(f"/people/{org.learner_c.id}").status_code == 404


def test_person_page_shows_history_roles_and_contacts(client, org, login):
    login(org.admin_a)
    page = _text(client.get(f"/people/{org.learner_a.id}"))
    assert org.learner_a.name in page and org.contact_a.name in page
    assert f"/people/{org.learner_a.id}/edit" in page  # the admin may act
    contact_page = _text(client.get(f"/people/{org.contact_a.id}"))
    assert org.learner_a.name in contact_page  # "training contact of"
    login(org.auditor)
    readonly = _text(client.get(f"/people/{org.learner_a.id}"))
    assert org.learner_a.name in readonly and f"/people/{org.learner_a.id}/edit" not in readonly


def test_person_page_shows_links_from_other_domains(client, org, login):
    from learnapp.accounts import person_links

    def provider(actor, person):
        return [("学时台账", f"/ledger/{person.id}")]

    person_links.register_link(client.application, provider)
    login(org.admin_a)
    assert "学时台账" in _text(client.get(f"/people/{org.learner_a.id}"))


def test_create_shows_the_password_once_and_audits(client, org, login, db):
    login(org.admin_a)
    response = client.post("/people/new", data={"name": "新同志", "login_id": "new1", "branch_id": org.branch_a.id,
                                                "stage": "activist", "stage_since": "2025-05-04", "phone": "138 0013 8000"})
    assert response.status_code == 200
    password = re.search(r'<code class="secret">([^<]+)</code>', _text(response)).group(1)
    user = db.session.scalar(select(User).where(User.login_id == "new1"))
    assert user.stage == Stage.activist and user.phone == "13800138000" and user.must_change_password
    # The stage given is history: the step standing for it, dated, from which the stage is derived.
    assert [(s.code, s.done_on.isoformat()) for s in user.development_steps] == [("activist_determined", "2025-05-04")]
    assert password not in user.password_hash
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.create")).one()
    assert entry.actor_id == org.admin_a.id and entry.branch_path == org.branch_a.path
    # The new person logs in with it and must change it first.
    client.post("/logout")
    response = client.post("/login", data={"login_id": "new1", "password": password})
    assert client.get("/").headers["Location"].endswith("/account/password")
    assert response.status_code == 302


def test_create_errors_are_shown_on_the_fields(client, org, login, db):
    login(org.admin_a)
    response = client.post("/people/new", data={"name": "重复", "login_id": "LEARNER_A", "branch_id": org.branch_a.id,
                                                "stage": "applicant", "phone": "12345", "email": "x@"})
    page = _text(response)
    assert response.status_code == 200
    assert page.count('class="error"') >= 3
    assert db.session.scalar(select(User).where(User.name == "重复")) is None


def test_create_in_a_branch_outside_scope_is_refused(client, org, login, db):
    login(org.admin_a)
    response = client.post("/people/new", data={"name": "越权", "login_id": "sneaky", "branch_id": org.branch_c.id,
                                                "stage": "applicant"})
    assert response.status_code == 200 and 'class="error"' in _text(response)
    assert db.session.scalar(select(User).where(User.login_id == "sneaky")) is None


def test_edit_details_and_move_within_scope(client, org, login, db):
    login(org.admin_g1)
    response = client.post(f"/people/{org.learner_a.id}/edit", data={
        "name": "改后", "login_id": "learner_a2", "branch_id": org.branch_b.id, "phone": "", "email": "a@example.cn"})
    assert response.status_code == 302
    user = db.session.get(User, org.learner_a.id)
    assert (user.name, user.login_id, user.branch_id, user.email) == ("改后", "learner_a2", org.branch_b.id, "a@example.cn")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.update")).one()
    assert entry.details["before"]["name"] != entry.details["after"]["name"]


def test_the_stage_is_not_edited_on_the_person_page(client, org, login, db):
    """The stage follows the development steps: no free stage form, and the edit form ignores a stage."""
    login(org.admin_a)
    assert client.get(f"/people/{org.learner_a.id}/stage").status_code == 404
    response = client.post(f"/people/{org.learner_a.id}/edit", data={
        "name": org.learner_a.name, "login_id": "learner_a", "branch_id": org.branch_a.id, "stage": "full_member"})
    assert response.status_code == 302
    assert db.session.get(User, org.learner_a.id).stage == Stage.activist


def test_deactivation_ends_sessions_and_reactivation_restores_login(app, client, org, login, db):
    victim_client = app.test_client()
    victim_client.post("/login", data={"login_id": "learner_a", "password": factories.PASSWORD})
    assert victim_client.get("/").status_code == 200
    login(org.admin_a)
    assert client.post(f"/people/{org.learner_a.id}/deactivate").status_code == 302
    assert victim_client.get("/").status_code == 302  # the copied cookie stopped working
    assert victim_client.post("/login", data={"login_id": "learner_a", "password": factories.PASSWORD}).status_code == 200
    client.post(f"/people/{org.learner_a.id}/activate")
    assert victim_client.post("/login", data={"login_id": "learner_a", "password": factories.PASSWORD}).status_code == 302
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.not_like("auth.%")).order_by(AuditEntry.seq)).all()
    assert actions[-2:] == ["user.deactivate", "user.activate"]


def test_admin_cannot_deactivate_themselves(client, org, login, db):
    """Nobody administers their own account: the manage pages do not know them."""
    login(org.admin_a)
    assert client.post(f"/people/{org.admin_a.id}/deactivate").status_code == 404
    assert client.post(f"/people/{org.admin_a.id}/password").status_code == 404
    assert db.session.get(User, org.admin_a.id).active


def test_reset_password_shows_a_temporary_password_and_forces_a_change(app, client, org, login, db):
    other = app.test_client()
    other.post("/login", data={"login_id": "learner_a", "password": factories.PASSWORD})
    login(org.admin_a)
    response = client.post(f"/people/{org.learner_a.id}/password")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    temporary = re.search(r'<code class="secret">([^<]+)</code>', _text(response)).group(1)
    assert other.get("/").status_code == 302  # old session ended
    fresh = app.test_client()
    fresh.post("/login", data={"login_id": "learner_a", "password": temporary})
    assert fresh.get("/").headers["Location"].endswith("/account/password")


def test_export_lists_the_filtered_people_in_roster_columns(client, org, login):
    login(org.admin_g1)
    response = client.get("/people/export.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("姓名", "工号", "支部", "阶段", "手机", "邮箱")
    logins = {r[1] for r in rows[1:]}
    assert {"learner_a", "learner_b"} <= logins and "learner_c" not in logins
    assert rows[0][7:13] == ("性别", "民族", "出生年月", "学历", "岗位类别", "工作单位及职务")
