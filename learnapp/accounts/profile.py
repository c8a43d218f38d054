"""Writes on a person's register facts (gender, ethnicity, birth date, education, job category, department).

    update_profile(actor, user, gender=..., ethnicity=..., birth_date="1990.05", ...) -> bool (changed)

Values are checked with person_fields' normalisers; every wrong one is named at once. `actor` None
is the CLI acting as the system (audited as such).
"""

from __future__ import annotations

from flask_babel import gettext as _

from learnapp import audit
from learnapp.accounts import person_fields
from learnapp.accounts.models import User
from learnapp.accounts.permissions import can_manage_user, is_system
from learnapp.db import db
from learnapp.errors import DomainError

PROFILE_FIELDS = ("gender", "ethnicity", "birth_date", "education", "job_category", "department")


def profile_snapshot(user: User) -> dict:
    return {"gender": user.gender, "ethnicity": user.ethnicity, "birth_date": person_fields.birth_date_text(user) or None,
            "education": user.education, "job_category": user.job_category, "department": user.department}


def check_profile(values: dict) -> tuple[dict, list[tuple[str, str]]]:
    """(the values as stored, [(field, message)]) for written values keyed by PROFILE_FIELDS."""
    normalisers = {
        "gender": person_fields.normalise_gender,
        "ethnicity": person_fields.normalise_ethnicity,
        "education": person_fields.normalise_education,
        "job_category": person_fields.normalise_job_category,
        "department": person_fields.normalise_department,
    }
    clean: dict = {}
    reasons: list[tuple[str, str]] = []
    for name in PROFILE_FIELDS:
        if name not in values:
            continue
        try:
            if name == "birth_date":
                found = values[name]
                if not isinstance(found, person_fields.RegisterDate):
                    found = person_fields.parse_register_date(found)
                clean["birth_date"] = found
            else:
                clean[name] = normalisers[name](values[name])
        except ValueError as exc:
            message = str(exc)
            if name == "birth_date":
                message = _("Birth date: %(reason)s", reason=message)
            reasons.append((name, message))
    return clean, reasons


def apply_profile(user: User, clean: dict) -> None:
    for name, value in clean.items():
        if name == "birth_date":
            user.birth_date = value.day if value else None
            user.birth_date_precision = value.precision if value else None
        else:
            setattr(user, name, value)


def update_profile(actor, user: User, **values) -> bool:
    """Set the given register facts (empty clears one); audited when anything changed."""
    if not is_system(actor) and not can_manage_user(actor, user):
        raise DomainError(_("You may not manage this person."))
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    clean, reasons = check_profile(values)
    if reasons:
        raise DomainError(reasons)
    before = profile_snapshot(user)
    apply_profile(user, clean)
    after = profile_snapshot(user)
    if after == before:
        return False
    changed = {k for k in after if after[k] != before[k]}
    audit.record(actor, "user.profile", user, branch=user.branch, summary=user.name,
                 before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    db.session.flush()
    return True
