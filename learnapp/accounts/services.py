"""Writes on people and accounts. Every change is audited in the same transaction."""

from __future__ import annotations

import re
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from learnapp import audit, clock
from learnapp.accounts import passwords, stage_history
from learnapp.accounts.models import STAGE_CHINESE, ContactAssignment, Role, RoleGrant, Stage, User
from learnapp.accounts.permissions import (
    can_manage_branch,
    can_manage_user,
    is_committee_admin,
    is_system,
)
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.org.models import Branch

PHONE_RE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
LOGIN_ID_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
def normalise_phone(phone: str | None) -> str | None:
    """A mainland mobile number without spaces, or None; raises on anything else."""
    if phone is None or not str(phone).strip():
        return None
    cleaned = re.sub(r"[\s\-]", "", str(phone).strip())
    if cleaned.endswith(".0"):  # numbers that Excel stored as floats
        cleaned = cleaned[:-2]
    if not PHONE_RE.match(cleaned):
        raise DomainError(_("Not a valid mobile number: %(phone)s", phone=phone), "phone")
    return cleaned[-11:]


def normalise_email(email: str | None) -> str | None:
    if email is None or not str(email).strip():
        return None
    try:
        return validate_email(str(email).strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise DomainError(_("Not a valid e-mail address: %(email)s", email=email), "email") from None


def parse_stage(value) -> Stage:
    """A stage from its code or its Chinese name (入党积极分子 …)."""
    if isinstance(value, Stage):
        return value
    text = str(value or "").strip()
    for stage in Stage:
        if text in (stage.value, STAGE_CHINESE[stage], stage.label):
            return stage
    raise DomainError(_("Unknown stage: %(stage)s", stage=text), "stage")


def _snapshot(user: User) -> dict:
    return {
        "login_id": user.login_id,
        "name": user.name,
        "phone": user.phone,
        "email": user.email,
        "branch": user.branch.name if user.branch else None,
        "stage": user.stage,
        "active": user.active,
    }


def _require_manage(actor, branch: Branch) -> None:
    if not is_system(actor) and not can_manage_branch(actor, branch):
        raise DomainError(_("You may not manage people of this branch."), "branch_id")


def login_id_taken(login_id: str, exclude_id: int | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.login_id) == login_id.lower())
    if exclude_id:
        stmt = stmt.where(User.id != exclude_id)
    return db.session.scalar(stmt) is not None


def create_user(
    actor,
    *,
    login_id: str,
    name: str,
    branch: Branch,
    stage: Stage | str = Stage.applicant,
    phone: str | None = None,
    email: str | None = None,
    password: str | None = None,
    stage_since: date | None = None,
    audit_entry: bool = True,
    bulk: bool = False,
    known_password: bool = False,
    stage_source: str = "site",
) -> tuple[User, str | None]:
    """Create a person; returns the user and the initial password if one was generated.

    Without `password` a temporary one is generated (`passwords.issue_temporary`; `bulk`: one of
    many people created at once, a roster import). A given password must meet the strength rules,
    unless `known_password`: demo data and test fixtures, which set documented passwords."""
    _require_manage(actor, branch)
    login_id = (login_id or "").strip()
    name = (name or "").strip()
    reasons = []
    if not LOGIN_ID_RE.match(login_id):
        reasons.append(("login_id", _("The login ID must be 2–64 letters, digits, '.', '_' or '-'.")))
    elif login_id_taken(login_id):
        reasons.append(("login_id", _("The login ID %(login_id)s is already used.", login_id=login_id)))
    if not name or len(name) > 80:
        reasons.append(("name", _("Enter a name of at most 80 characters.")))
    if not branch.active:
        reasons.append(("branch_id", _("The branch %(name)s is deactivated.", name=branch.name)))
    if stage_since is not None and stage_since > clock.today():
        reasons.append(("stage_since", _("The date may not be in the future.")))
    # Each check on its own, so the form shows every wrong field at once.
    for check in ("stage", "phone", "email"):
        try:
            if check == "stage":
                stage = parse_stage(stage)
            elif check == "phone":
                phone = normalise_phone(phone)
            else:
                email = normalise_email(email)
        except DomainError as exc:
            reasons.extend(exc.reasons)
    if reasons:
        raise DomainError(reasons)
    if password is not None and not known_password:
        passwords.check_password_strength(password, login_id=login_id, name=name)
    user = User(login_id=login_id, name=name, branch=branch, phone=phone, email=email,
                must_change_password=True)
    generated = None
    if password is None:
        generated = passwords.issue_temporary(user, keyed=bulk)
    else:
        user.password_hash = passwords.hash_password(password)
    db.session.add(user)
    db.session.flush()
    # The stage is history given with the person: the step standing for it, dated; the stage is
    # derived from it. The person's creation entry below records it (one audit entry per person).
    since = stage_since or clock.today()
    stage_history.record_stage(actor, user, stage, since, source=stage_source, audit_entry=False)
    if audit_entry:
        audit.record(actor, "user.create", user, branch=branch, summary=f"{name} ({login_id})",
                     after={**_snapshot(user), "stage_since": since})
    db.session.flush()
    return user, generated


def update_user(actor, user: User, *, name: str, branch: Branch, phone: str | None, email: str | None,
                login_id: str | None = None) -> User:
    """Change a person's details (and branch: the actor must manage both old and new)."""
    if not can_manage_user(actor, user):
        raise DomainError(_("You may not manage this person."))
    _require_manage(actor, branch)
    before = _snapshot(user)
    reasons = []
    name = (name or "").strip()
    if not name or len(name) > 80:
        reasons.append(("name", _("Enter a name of at most 80 characters.")))
    if login_id is not None:
        login_id = login_id.strip()
        if not LOGIN_ID_RE.match(login_id):
            reasons.append(("login_id", _("The login ID must be 2–64 letters, digits, '.', '_' or '-'.")))
        elif login_id_taken(login_id, exclude_id=user.id):
            reasons.append(("login_id", _("The login ID %(login_id)s is already used.", login_id=login_id)))
    try:
        phone = normalise_phone(phone)
    except DomainError as exc:
        reasons.extend(exc.reasons)
    try:
        email = normalise_email(email)
    except DomainError as exc:
        reasons.extend(exc.reasons)
    if branch.id != user.branch_id and not branch.active:
        reasons.append(("branch_id", _("The branch %(name)s is deactivated.", name=branch.name)))
    if reasons:
        raise DomainError(reasons)
    user.name, user.branch, user.phone, user.email = name, branch, phone, email
    if login_id is not None:
        user.login_id = login_id
    after = _snapshot(user)
    if after != before:
        audit.record(actor, "user.update", user, branch=branch, summary=user.name, before=before, after=after)
    db.session.flush()
    return user


def set_active(actor, user: User, active: bool) -> None:
    """Deactivate (ending every session) or reactivate a person."""
    if not can_manage_user(actor, user):
        raise DomainError(_("You may not manage this person."))
    if actor.id == user.id and not active:
        raise DomainError(_("You cannot deactivate yourself."))
    if user.active == active:
        return
    user.active = active
    user.renew_epoch()
    audit.record(actor, "user.activate" if active else "user.deactivate", user, branch=user.branch,
                 summary=user.name, before={"active": not active}, after={"active": active})
    db.session.flush()


def set_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Unknown language."), "locale")
    user.locale = locale


def grant_role(actor, user: User, role: Role | str, branch: Branch) -> RoleGrant:
    """Give a role on a branch. Committee admin and auditor roles are granted by committee admins."""
    role = Role(role)
    if not can_manage_user(actor, user):
        raise DomainError(_("You may not manage this person."), "role")
    if role in (Role.committee_admin, Role.auditor):
        if not is_committee_admin(actor):
            raise DomainError(_("Only committee admins grant this role."), "role")
    elif not can_manage_branch(actor, branch):
        raise DomainError(_("You may not manage this branch."), "branch_id")
    if role == Role.committee_admin and branch.parent_id is not None:
        # A committee admin changes the whole tree, so the role only makes sense on the root.
        raise DomainError(_("The committee admin role is granted on the committee itself."), "branch_id")
    if not user.active:
        raise DomainError(_("The person is deactivated; reactivate them first."), "role")
    existing = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == user.id, RoleGrant.role == role, RoleGrant.branch_id == branch.id))
    if existing:
        raise DomainError(_("The person already has this role here."), "role")
    grant = RoleGrant(user=user, role=role, branch=branch)
    db.session.add(grant)
    audit.record(actor, "role.grant", user, branch=branch, summary=f"{user.name}: {role.value} @ {branch.name}",
                 after={"role": role, "branch": branch.name})
    db.session.flush()
    return grant


def can_change_grant(actor, role: Role, branch: Branch) -> bool:
    """Whether the actor may grant or revoke `role` on `branch` (for showing the buttons)."""
    if role in (Role.committee_admin, Role.auditor):
        return is_committee_admin(actor)
    return can_manage_branch(actor, branch)


def revoke_role(actor, grant: RoleGrant) -> None:
    """Take a role back; audited."""
    if not can_manage_user(actor, grant.user):
        raise DomainError(_("You may not manage this person."))
    if grant.role in (Role.committee_admin, Role.auditor):
        if not is_committee_admin(actor):
            raise DomainError(_("Only committee admins revoke this role."))
    elif not can_manage_branch(actor, grant.branch):
        raise DomainError(_("You may not manage this branch."))
    audit.record(actor, "role.revoke", grant.user, branch=grant.branch,
                 summary=f"{grant.user.name}: {grant.role.value} @ {grant.branch.name}",
                 before={"role": grant.role, "branch": grant.branch.name})
    db.session.delete(grant)
    db.session.flush()


def assign_contact(actor, contact: User, learner: User) -> ContactAssignment:
    """Make `contact` a training contact (培养联系人) of `learner`; a learner has at most two."""
    if not can_manage_user(actor, learner):
        raise DomainError(_("You may not manage this person."))
    if contact.id == learner.id:
        raise DomainError(_("A person cannot be their own training contact."), "contact_id")
    if contact.stage != Stage.full_member:
        raise DomainError(_("A training contact must be a full member."), "contact_id")
    current = db.session.scalars(select(ContactAssignment).where(ContactAssignment.learner_id == learner.id)).all()
    match = next((a for a in current if a.contact_id == contact.id), None)
    if match and match.active:
        raise DomainError(_("This contact is already assigned."), "contact_id")
    if sum(1 for a in current if a.active) >= 2:
        raise DomainError(_("A learner has at most two training contacts."), "contact_id")
    if match:
        match.active = True
        assignment = match
    else:
        assignment = ContactAssignment(contact=contact, learner=learner, active=True)
        db.session.add(assignment)
    audit.record(actor, "contact.assign", learner, branch=learner.branch, summary=f"{contact.name} → {learner.name}",
                 after={"contact": contact.login_id})
    db.session.flush()
    return assignment


def end_contact(actor, assignment: ContactAssignment) -> None:
    """End a training-contact assignment (kept, marked inactive, so the history remains)."""
    if not can_manage_user(actor, assignment.learner):
        raise DomainError(_("You may not manage this person."))
    if not assignment.active:
        raise DomainError(_("This assignment has already ended."))
    assignment.active = False
    audit.record(actor, "contact.end", assignment.learner, branch=assignment.learner.branch,
                 summary=f"{assignment.contact.name} → {assignment.learner.name}", before={"contact": assignment.contact.login_id})
    db.session.flush()
