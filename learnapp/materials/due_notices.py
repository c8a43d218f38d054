"""Notices to people who have not finished a required reading that is due soon (cron:
`flask content remind-due`)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, exists, literal, or_, select
from sqlalchemy.orm import aliased

from learnapp import clock
from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.materials.models import (
    Material,
    MaterialStatus,
    ReadingList,
    ReadingListAssignment,
    ReadingListItem,
    ReadingProgress,
)
from learnapp.notices import services as notices
from learnapp.org.models import Branch

# A required reading due within this many days is "due soon".
DUE_DAYS = 3


def _assigned(reading_list_id: int, own):
    """Filter on User joined with their branch (`own`): the people a list is assigned to (in the
    assignment's branch or below, of its stage)."""
    assigned_branch = aliased(Branch)
    # Correlated explicitly: the person's branch lies two levels out.
    in_branch = or_(ReadingListAssignment.branch_id.is_(None),
                    exists().where(assigned_branch.id == ReadingListAssignment.branch_id,
                                   own.path.like(assigned_branch.path + literal("%")))
                    .correlate_except(assigned_branch))
    for_stage = or_(ReadingListAssignment.stage.is_(None), ReadingListAssignment.stage == User.stage)
    return (exists().where(ReadingListAssignment.reading_list_id == reading_list_id, in_branch, for_stage)
            .correlate_except(ReadingListAssignment))


def _done(material: Material, year: int):
    """Filter on User: the person completed the material in the year (a book: every published chapter)."""
    def completed(material_id):
        return (exists().where(ReadingProgress.user_id == User.id, ReadingProgress.material_id == material_id,
                               ReadingProgress.year == year, ReadingProgress.completed_at.is_not(None))
                .correlate_except(ReadingProgress))  # the person lies two levels out for a book's chapter
    if not material.is_book:
        return completed(material.id)
    chapter = aliased(Material)
    return ~exists().where(chapter.book_id == material.id, chapter.status == MaterialStatus.published,
                           ~completed(chapter.id)).correlate_except(chapter)


def remind_due(days: int = DUE_DAYS) -> int:
    """One notice per person and item (never repeated): required items of active lists due in the
    next `days` days, to the people the list is for who have not completed the material this year."""
    today = clock.today()
    items = db.session.execute(
        select(ReadingListItem, ReadingList, Material)
        .join(ReadingList, ReadingList.id == ReadingListItem.reading_list_id)
        .join(Material, Material.id == ReadingListItem.material_id)
        .where(ReadingList.active, ReadingList.year == today.year, ReadingListItem.required,
               ReadingListItem.due_on >= today, ReadingListItem.due_on <= today + timedelta(days=days))
        .order_by(ReadingListItem.id)).all()
    written = 0
    for item, reading_list, material in items:
        done = _done(material, today.year)
        own = aliased(Branch)
        people = db.session.scalars(select(User).join(own, own.id == User.branch_id)
                                    .where(and_(User.active, _assigned(reading_list.id, own), ~done))).all()
        written += notices.notify_all(people, "reading_due", {
            "slug": material.slug, "title": material.title, "list": reading_list.title,
            "due_on": item.due_on.isoformat()}, dedupe_key=f"reading:{item.id}:due")
    db.session.flush()
    return written
