"""The register's own columns in a roster import: person facts, step dates, contacts and introducers.

    facts = check_register_cells(actor, cells, existing, branch, names, problem)  # while checking
    apply_register_facts(actor, user, facts, filename)                              # while writing

Every bad cell is reported through `problem(field, message)`; nothing is written while checking.
Dates are history: they are recorded as they happened, even when they break today's rules (the
development check lists those afterwards).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import audit
from learnapp.accounts import person_fields, profile, register_history, services
from learnapp.accounts.models import ContactAssignment, Stage, User
from learnapp.accounts.permissions import can_view_user, is_system
from learnapp.accounts.person_fields import RegisterDate
from learnapp.db import db
from learnapp.org.models import Branch
from learnapp.org.queries import full_names

NAME_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
MAX_CONTACTS = 2
MAX_INTRODUCERS = 2


@dataclass
class RegisterFacts:
    profile: dict = field(default_factory=dict)              # stored values of the non-empty profile cells
    dates: dict[str, RegisterDate] = field(default_factory=dict)  # date column -> date
    contacts: list[User] = field(default_factory=list)
    introducers: list[User] = field(default_factory=list)
    introduced_on: date | None = None

    @property
    def stage(self) -> tuple[Stage | None, date | None]:
        return register_history.stage_from_dates({k: v.day for k, v in self.dates.items()})


class NameIndex:
    """Resolves the names in 培养联系人 / 入党介绍人: the person's branch first, then the actor's scope."""

    def __init__(self, actor):
        self.actor = actor
        self.cache: dict[str, list[User]] = {}
        self.names = full_names()

    def find(self, name: str, branch: Branch) -> tuple[User | None, str | None]:
        if name not in self.cache:
            self.cache[name] = list(db.session.scalars(select(User).where(User.name == name, User.active.is_(True))))
        candidates = self.cache[name]
        here = [u for u in candidates if u.branch_id == branch.id]
        if not here:
            here = [u for u in candidates if is_system(self.actor) or can_view_user(self.actor, u)]
        if len(here) == 1:
            return here[0], None
        if not here:
            return None, _("No active person named %(name)s in %(branch)s or the branches you may see.",
                           name=name, branch=branch.name)
        places = "、".join(sorted(self.names.get(u.branch_id, "") for u in here))
        return None, _("%(name)s is ambiguous: %(count)d people have this name (%(places)s); give the person the login ID "
                       "in the person's page instead.", name=name, count=len(here), places=places)


def split_names(text: str) -> list[str]:
    return list(dict.fromkeys(n for n in NAME_SEPARATORS.split(text.strip()) if n))


def _check_profile(cells, problem, facts: RegisterFacts) -> None:
    normalisers = {
        "gender": person_fields.normalise_gender,
        "ethnicity": person_fields.normalise_ethnicity,
        "education": person_fields.normalise_education,
        "job_category": person_fields.normalise_job_category,
        "department": person_fields.normalise_department,
        "birth_date": person_fields.parse_register_date,
    }
    for name, normalise in normalisers.items():
        value = cells.raw(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # an empty cell leaves what is recorded
        try:
            facts.profile[name] = normalise(value)
        except ValueError as exc:
            problem(name, str(exc))


def _check_dates(cells, problem, facts: RegisterFacts, existing: User | None) -> None:
    recorded = register_history.recorded_dates(existing) if existing is not None else {}
    for column, codes in register_history.DATE_STEPS.items():
        try:
            found = person_fields.parse_register_date(cells.raw(column))
        except ValueError as exc:
            problem(column, str(exc))
            continue
        if found is None:
            continue
        facts.dates[column] = found
        for code in codes:
            if recorded.get(code) and found.day not in recorded[code]:
                other = min(recorded[code])
                problem(column, _("%(name)s already has this step on %(date)s; correct it on the person's page, "
                                  "not through the register.", name=existing.name, date=other.isoformat()))
                break


def _people(cells, column: str, branch: Branch, names: NameIndex, problem, limit: int, existing: User | None) -> list[User]:
    text = cells.text(column)
    if not text:
        return []
    found: list[User] = []
    wanted = split_names(text)
    if len(wanted) > limit:
        problem(column, _("At most %(count)d names are allowed here, found %(found)d.", count=limit, found=len(wanted)))
        return []
    for name in wanted:
        person, message = names.find(name, branch)
        if message:
            problem(column, message)
        elif existing is not None and person.id == existing.id:
            problem(column, _("%(name)s cannot be named for themselves.", name=name))
        else:
            found.append(person)
    return found


def check_register_cells(actor, cells, existing: User | None, branch: Branch | None, names: NameIndex,
                         problem) -> RegisterFacts:
    """The register facts of one row; every bad cell goes to `problem(field, message)`."""
    facts = RegisterFacts()
    _check_profile(cells, problem, facts)
    _check_dates(cells, problem, facts, existing)
    if branch is None:
        return facts
    facts.contacts = _people(cells, "contacts", branch, names, problem, MAX_CONTACTS, existing)
    for contact in facts.contacts:
        if contact.stage != Stage.full_member:
            problem("contacts", _("%(name)s is not a full member; a training contact must be one.", name=contact.name))
    if existing is not None and facts.contacts:
        current = {a.contact_id for a in db.session.scalars(
            select(ContactAssignment).where(ContactAssignment.learner_id == existing.id, ContactAssignment.active.is_(True)))}
        if len(current | {c.id for c in facts.contacts}) > MAX_CONTACTS:
            problem("contacts", _("%(name)s already has training contacts; with these there would be more than two. "
                                  "End one on the person's page first.", name=existing.name))
    facts.introducers = _people(cells, "introducers", branch, names, problem, MAX_INTRODUCERS, existing)
    if facts.introducers:
        # 入党介绍人 are assigned once the person is a 发展对象: dated by that step (or the admission).
        dated = facts.dates.get("target_on") or facts.dates.get("admitted_on")
        if dated is not None:
            facts.introduced_on = dated.day
        else:
            problem("introducers", _("Introducers need the date of 列为发展对象时间 or 接收为预备党员时间 in the same row."))
    return facts


def apply_register_facts(actor, user: User, facts: RegisterFacts, filename: str) -> bool:
    """Write the checked facts; True when anything changed."""
    changed = False
    if facts.profile:
        changed |= profile.update_profile(actor, user, **facts.profile)
    recorded = register_history.recorded_dates(user)
    note = _("Register import %(file)s", file=filename)
    for column, found in facts.dates.items():
        for code in register_history.DATE_STEPS[column]:
            if found.day in recorded.get(code, set()):
                continue  # the same date again (a register imported twice): nothing to add
            month_note = _("%(note)s; only the year and month are known", note=note) if found.precision == "month" else note
            register_history.record(actor, user, code, found.day, note=month_note)
            changed = True
    if facts.introducers and "introducers_assigned" not in recorded:
        register_history.record(actor, user, "introducers_assigned", facts.introduced_on, note=note,
                                data={"introducer_ids": [p.id for p in facts.introducers]})
        changed = True
    assigned = [contact for contact in facts.contacts if _assign_contact(actor, contact, user)]
    activist_on = facts.dates.get("activist_on")
    if assigned and activist_on is not None and "contacts_assigned" not in recorded:
        # The register assigned the contacts: the step, dated by the determination as activist (contacts
        # are assigned then). Contacts assigned before, on the site, keep their own history.
        register_history.record(actor, user, "contacts_assigned", activist_on.day, note=note,
                                data={"contact_ids": [p.id for p in facts.contacts]})
    return changed or bool(assigned)


def _assign_contact(actor, contact: User, learner: User) -> bool:
    current = db.session.scalar(select(ContactAssignment).where(
        ContactAssignment.learner_id == learner.id, ContactAssignment.contact_id == contact.id))
    if current is not None and current.active:
        return False
    if not is_system(actor):
        services.assign_contact(actor, contact, learner)
        return True
    # The CLI imports as the system: the same assignment, audited as the system.
    if current is not None:
        current.active = True
    else:
        db.session.add(ContactAssignment(contact=contact, learner=learner, active=True))
    audit.record(actor, "contact.assign", learner, branch=learner.branch, summary=f"{contact.name} → {learner.name}",
                 after={"contact": contact.login_id})
    db.session.flush()
    return True
