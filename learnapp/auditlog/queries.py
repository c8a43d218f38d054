"""Reads on the audit log, scoped: committee admins and auditors read all of it, branch admins the
entries whose branch lies in their subtrees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true

from learnapp import clock
from learnapp.accounts.models import User
from learnapp.audit.models import AuditEntry
from learnapp.db import db
from learnapp.security import admin_paths, is_auditor, is_committee_admin


def readable_entries(actor) -> ColumnElement[bool]:
    """Filter on AuditEntry: what the actor may read."""
    if is_committee_admin(actor) or is_auditor(actor):
        return true()
    paths = admin_paths(actor)
    if not paths:
        return false()
    return or_(*[AuditEntry.branch_path.startswith(p, autoescape=True) for p in paths])


def can_read_entry(actor, entry: AuditEntry) -> bool:
    if is_committee_admin(actor) or is_auditor(actor):
        return True
    return entry.branch_path is not None and any(entry.branch_path.startswith(p) for p in admin_paths(actor))


@dataclass
class AuditFilter:
    action: str = ""
    actor: str = ""  # login ID or part of the name
    target_type: str = ""
    target_id: str = ""
    branch_path: str = ""  # a subtree
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


def entries_statement(actor, f: AuditFilter) -> Select:
    """Readable entries matching the filter, newest first."""
    stmt = select(AuditEntry).where(readable_entries(actor))
    if f.action:
        # "user" selects every user.* action, "user.stage" that one.
        stmt = stmt.where(or_(AuditEntry.action == f.action, AuditEntry.action.startswith(f.action + ".", autoescape=True)))
    if f.actor:
        logins = select(User.id).where(func.lower(User.login_id) == f.actor.lower())
        stmt = stmt.where(or_(AuditEntry.actor_id.in_(logins), AuditEntry.actor_name.contains(f.actor, autoescape=True)))
    if f.target_type:
        stmt = stmt.where(AuditEntry.target_type == f.target_type)
    if f.target_id:
        stmt = stmt.where(AuditEntry.target_id == f.target_id)
    if f.branch_path:
        stmt = stmt.where(AuditEntry.branch_path.startswith(f.branch_path, autoescape=True))
    if f.date_from:
        stmt = stmt.where(AuditEntry.at >= clock.local_midnight_utc(f.date_from))
    if f.date_to:
        stmt = stmt.where(AuditEntry.at < clock.local_midnight_utc(f.date_to + timedelta(days=1)))
    if f.text:
        stmt = stmt.where(AuditEntry.summary.contains(f.text, autoescape=True))
    return stmt.order_by(AuditEntry.seq.desc())


def distinct_values(actor, column) -> list[str]:
    """The values of `column` among the readable entries, for the filter's drop-downs."""
    return list(db.session.scalars(select(column).where(readable_entries(actor)).distinct().order_by(column)))


@dataclass
class DiffRow:
    key: str
    before: object
    after: object

    @property
    def changed(self) -> bool:
        return self.before != self.after


def diff(details: dict) -> tuple[list[DiffRow], dict]:
    """Before/after as rows (one per key) and the remaining details (note, counts, overrides …)."""
    before = details.get("before") or {}
    after = details.get("after") or {}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    rows = [DiffRow(k, before.get(k), after.get(k)) for k in keys]
    rest = {k: v for k, v in details.items() if k not in ("before", "after")}
    return rows, rest


def entries_page(actor, f: AuditFilter, page: int, per_page: int):
    """A page of the entries the actor reads that match `f`, newest first (a Pagination)."""
    return db.paginate(entries_statement(actor, f), page=page, per_page=per_page, error_out=False)


def entries_to_export(actor, f: AuditFilter, limit: int):
    """The first `limit` entries the actor reads that match `f`, newest first, as they are read."""
    return db.session.scalars(entries_statement(actor, f).limit(limit))
