"""A person's roles (grant, revoke) and training contacts (assign, end), on the people blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp.accounts import queries, services
from learnapp.accounts.forms import ContactForm, EmptyForm, GrantForm
from learnapp.accounts.models import ContactAssignment, Role, RoleGrant
from learnapp.accounts.people_blueprint import bp
from learnapp.accounts.permissions import (
    get_managed_user_or_404,
    get_or_404,
    is_branch_admin,
    is_committee_admin,
    managed_branches,
    require_role,
)
from learnapp.db import db
from learnapp.errors import FAILED, DomainError, save_action, save_form
from learnapp.org.models import Branch
from learnapp.org.queries import branch_choices, full_names


def _role_choices() -> list[tuple[str, str]]:
    if is_committee_admin(current_user):
        return [(r.value, r.label) for r in Role]
    # Branch admins hand on their own role only; committee admin and auditor come from the committee.
    return [(Role.branch_admin.value, Role.branch_admin.label)]


@bp.route("/<int:user_id>/roles", methods=["GET", "POST"])
@require_role(is_branch_admin)
def roles(user_id: int):
    person = get_managed_user_or_404(current_user, user_id)
    form = GrantForm()
    form.role.choices = _role_choices()
    form.branch_id.choices = branch_choices(managed_branches(current_user))
    if not form.is_submitted():
        form.branch_id.data = person.branch_id
    if form.validate_on_submit():
        branch = db.session.get(Branch, form.branch_id.data)
        if save_form(form, lambda: services.grant_role(current_user, person, form.role.data, branch)) is not FAILED:
            flash(_("%(name)s is now %(role)s of %(branch)s.", name=person.name, role=Role(form.role.data).label,
                    branch=branch.name), "success")
            return redirect(url_for("people.roles", user_id=person.id))
    grants = queries.grants_of(person)
    return render_template("people/roles.html", person=person, form=form, grants=grants, names=full_names(),
                           revocable={g.id for g in grants if services.can_change_grant(current_user, g.role, g.branch)},
                           button_form=EmptyForm())


@bp.post("/<int:user_id>/roles/<int:grant_id>/revoke")
@require_role(is_branch_admin)
def revoke_role(user_id: int, grant_id: int):
    person = get_managed_user_or_404(current_user, user_id)
    grant = get_or_404(RoleGrant, grant_id, lambda g: g.user_id == person.id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    label, branch_name = grant.role.label, grant.branch.name
    if save_action(lambda: services.revoke_role(current_user, grant), joined=True) is not FAILED:
        flash(_("%(name)s is no longer %(role)s of %(branch)s.", name=person.name, role=label, branch=branch_name), "success")
    return redirect(url_for("people.roles", user_id=person.id))


@bp.route("/<int:user_id>/contacts", methods=["GET", "POST"])
@require_role(is_branch_admin)
def contacts(user_id: int):
    person = get_managed_user_or_404(current_user, user_id)
    form = ContactForm()
    if form.validate_on_submit():
        contact = queries.find_managed_by_login(current_user, form.contact_login_id.data)

        def assign():
            if contact is None:
                raise DomainError(_("No one with this login ID in the branches you administer."), "contact_login_id")
            services.assign_contact(current_user, contact, person)

        def explain(exc: DomainError) -> DomainError:
            # The service names the field contact_id; on this form it is the login ID.
            return DomainError([("contact_login_id" if f == "contact_id" else f, m) for f, m in exc.reasons])

        if save_form(form, assign, explain=explain) is not FAILED:
            flash(_("%(contact)s is now training contact of %(name)s.", contact=contact.name, name=person.name), "success")
            return redirect(url_for("people.contacts", user_id=person.id))
    return render_template("people/contacts.html", person=person, form=form, names=full_names(),
                           assignments=queries.contacts_of(person), learners=queries.learners_of(person),
                           candidates=queries.contact_candidates(current_user, person), button_form=EmptyForm())


@bp.post("/<int:user_id>/contacts/<int:assignment_id>/end")
@require_role(is_branch_admin)
def end_contact(user_id: int, assignment_id: int):
    person = get_managed_user_or_404(current_user, user_id)
    assignment = get_or_404(ContactAssignment, assignment_id, lambda a: a.learner_id == person.id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    contact_name = assignment.contact.name
    if save_action(lambda: services.end_contact(current_user, assignment), joined=True) is not FAILED:
        flash(_("%(contact)s is no longer training contact of %(name)s.", contact=contact_name, name=person.name), "success")
    return redirect(url_for("people.contacts", user_id=person.id))
