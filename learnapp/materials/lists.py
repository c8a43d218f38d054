"""Writes on reading lists: the list, its items (required or optional, due date) and who it is for.

A list owned by the committee (owner_branch None) is managed by committee admins and may be
assigned anywhere; a list owned by a branch is managed by that branch's admins (and those above)
and may only be assigned within the branch's subtree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import audit, clock
from learnapp.accounts.models import Stage
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.materials.models import (
    Material,
    ReadingList,
    ReadingListAssignment,
    ReadingListItem,
)
from learnapp.materials.services import SLUG_RE
from learnapp.org.models import Branch
from learnapp.security import can_manage_branch, is_committee_admin, is_system


def can_manage_list(actor, reading_list: ReadingList) -> bool:
    if is_system(actor):
        return True  # the content sync
    if reading_list.owner_branch is None:
        return is_committee_admin(actor)
    return can_manage_branch(actor, reading_list.owner_branch)


def _require(actor, reading_list: ReadingList) -> None:
    if not can_manage_list(actor, reading_list):
        raise DomainError(_("You may not change this reading list."))


@dataclass
class ListData:
    title: str
    year: int
    description: str = ""
    active: bool = True


def _validate(data: ListData, slug: str | None) -> list[tuple[str, str]]:
    problems = []
    if slug is not None and not SLUG_RE.match(slug):
        problems.append(("slug", _("Use 3–120 lower-case letters, digits and hyphens (e.g. 2026-required).")))
    if not (data.title or "").strip():
        problems.append(("title", _("A title is required.")))
    elif len(data.title) > 200:
        problems.append(("title", _("At most 200 characters.")))
    if not isinstance(data.year, int) or not 2000 <= data.year <= 2100:
        problems.append(("year", _("Give a year between 2000 and 2100.")))
    return problems


def _state(rl: ReadingList) -> dict:
    return {"title": rl.title, "year": rl.year, "description": rl.description, "active": rl.active,
            "owner": rl.owner_branch.name if rl.owner_branch else None}


def create_list(actor, slug: str, data: ListData, owner_branch: Branch | None) -> ReadingList:
    """A new reading list owned by the committee (owner None) or by a branch the actor manages."""
    slug = (slug or "").strip()
    problems = _validate(data, slug)
    if not problems and db.session.scalar(select(ReadingList.id).where(ReadingList.slug == slug)) is not None:
        problems.append(("slug", _("This slug is already used by another reading list.")))
    if not is_system(actor):
        if owner_branch is None and not is_committee_admin(actor):
            problems.append(("owner_branch_id", _("Only committee admins make lists for the whole committee.")))
        elif owner_branch is not None and not can_manage_branch(actor, owner_branch):
            problems.append(("owner_branch_id", _("You do not manage this branch.")))
    if problems:
        raise DomainError(problems)
    rl = ReadingList(slug=slug, year=data.year, title=data.title.strip(), description=(data.description or "").strip(),
                     active=data.active, owner_branch=owner_branch, updated_at=clock.now())
    db.session.add(rl)
    db.session.flush()
    audit.record(actor, "reading_list.create", rl, branch=owner_branch, summary=rl.title, after=_state(rl))
    return rl


def update_list(actor, rl: ReadingList, data: ListData) -> bool:
    _require(actor, rl)
    problems = _validate(data, None)
    if problems:
        raise DomainError(problems)
    before = _state(rl)
    rl.title, rl.year, rl.description, rl.active = data.title.strip(), data.year, (data.description or "").strip(), data.active
    after = _state(rl)
    if after == before:
        return False
    rl.updated_at = clock.now()
    db.session.flush()
    changed = {k: v for k, v in after.items() if before[k] != v}
    audit.record(actor, "reading_list.update", rl, branch=rl.owner_branch, summary=rl.title,
                 before={k: before[k] for k in changed}, after=changed)
    return True


def set_item(actor, rl: ReadingList, material: Material, *, required: bool = True, due_on: date | None = None,
             position: int | None = None) -> ReadingListItem:
    """Add a material to the list, or change its required flag, due date or place."""
    _require(actor, rl)
    if due_on is not None and due_on.year != rl.year:
        raise DomainError(_("The due date must fall in the list's year (%(year)d).", year=rl.year), "due_on")
    item = next((i for i in rl.items if i.material_id == material.id), None)
    before = None if item is None else {"required": item.required, "due_on": item.due_on, "position": item.position}
    if item is None:
        item = ReadingListItem(material=material, required=required, due_on=due_on,
                               position=position if position is not None else len(rl.items))
        rl.items.append(item)
    else:
        item.required, item.due_on = required, due_on
        if position is not None:
            item.position = position
    after = {"required": item.required, "due_on": item.due_on, "position": item.position}
    if after != before:
        rl.updated_at = clock.now()
        db.session.flush()
        audit.record(actor, "reading_list.item_set", rl, branch=rl.owner_branch, summary=f"{rl.title}: {material.title}",
                     before=before, after={"material": material.slug, **after})
    return item


def remove_item(actor, rl: ReadingList, item: ReadingListItem) -> None:
    _require(actor, rl)
    if item.reading_list_id != rl.id:
        raise DomainError(_("This item belongs to another list."))
    slug = item.material.slug
    rl.items.remove(item)
    rl.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, "reading_list.item_remove", rl, branch=rl.owner_branch, summary=f"{rl.title}: {slug}",
                 before={"material": slug})


def add_assignment(actor, rl: ReadingList, branch: Branch | None, stage: Stage | None) -> ReadingListAssignment:
    """Assign the list to a branch's subtree (None: the whole committee), optionally one stage only."""
    _require(actor, rl)
    if rl.owner_branch is not None:
        if branch is None or not branch.is_within(rl.owner_branch):
            raise DomainError(_("A branch's list can only be assigned within that branch."), "branch_id")
    if not is_system(actor) and branch is not None and not can_manage_branch(actor, branch):
        raise DomainError(_("You do not manage this branch."), "branch_id")
    existing = next((a for a in rl.assignments if a.branch_id == getattr(branch, "id", None) and a.stage == stage), None)
    if existing is not None:
        return existing
    assignment = ReadingListAssignment(branch=branch, stage=stage)
    rl.assignments.append(assignment)
    rl.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, "reading_list.assign", rl, branch=rl.owner_branch, summary=rl.title,
                 after={"branch": branch.name if branch else None, "stage": stage})
    return assignment


def remove_assignment(actor, rl: ReadingList, assignment: ReadingListAssignment) -> None:
    _require(actor, rl)
    if assignment.reading_list_id != rl.id:
        raise DomainError(_("This assignment belongs to another list."))
    before = {"branch": assignment.branch.name if assignment.branch else None, "stage": assignment.stage}
    rl.assignments.remove(assignment)
    rl.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, "reading_list.unassign", rl, branch=rl.owner_branch, summary=rl.title, before=before)
