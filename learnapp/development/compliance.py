"""The compliance report (规范性检查): what an inspector checks first, by branch and person.

Every finding of the check (check.py) for the people in a scope, people in training without a
training contact, and what other domains register as sources (contact work: missing quarterly
thought reports and assessments). Sources plug in through `register_source` so that this domain
does not import the ones built on it. The page and its XLSX export read `report(...)`.
"""

from __future__ import annotations

import calendar
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from sqlalchemy import ColumnElement, exists, func, select

from learnapp import hooks
from learnapp.accounts.models import ContactAssignment, Stage, User
from learnapp.db import db
from learnapp.development import check, stored
from learnapp.development.check import PERSON_COLUMNS, Finding, PersonRef
from learnapp.development.queries import entered_on
from learnapp.paging import PageInfo
from learnapp.spreadsheets import append_row

KIND_LABELS = {
    "rule": _l("Breaks a rule"),
    "missing": _l("Missing step"),
    "overdue": _l("Past its time limit"),
    "exception": _l("Committee exception"),
    "no_contact": _l("No training contact"),
    "no_report": _l("Missing thought report"),
    "no_assessment": _l("Missing assessment"),
}
KINDS = tuple(KIND_LABELS)
NEEDS_CONTACT = (Stage.activist, Stage.development_target)

# A source: (condition on User for the scope, the ended quarters looked at, today) -> findings.
Source = Callable[[ColumnElement, list[tuple[int, int]], date], list[Finding]]
SOURCES = "development.compliance_sources"
# A source's counter: the same arguments -> (branch id, kind, findings) rows.
SourceCounter = Callable[[ColumnElement, list[tuple[int, int]], date], list[tuple[int, str, int]]]
COUNTERS = "development.compliance_counters"


def register_source(app: Flask, source: Source, counter: SourceCounter | None = None) -> None:
    """Add findings from another domain (from that domain's init_app); `counter`, when given,
    counts them by branch and kind for `counts_by_branch` without building each finding."""
    hooks.add(app, SOURCES, source)
    if counter is not None:
        app.extensions.setdefault(COUNTERS, {})[source] = counter


def quarters_for(year: int | None, today: date) -> list[tuple[int, int]]:
    """The quarters whose reports and assessments are due: those of `year` that have ended by
    today, or without a year the last four ended quarters."""
    def ended(y: int, q: int) -> bool:
        return today > date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])

    if year:
        return [(year, q) for q in range(1, 5) if ended(year, q)]
    y, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _i in range(4):
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
        out.append((y, q))
    return out


def no_contact_findings(condition: ColumnElement, today: date) -> list[Finding]:
    """Activists and development targets with no active training contact (培养联系人), as of today."""
    has_contact = exists().where(ContactAssignment.learner_id == User.id, ContactAssignment.active)
    since = entered_on(User.id, NEEDS_CONTACT).label("since")
    rows = db.session.execute(select(*PERSON_COLUMNS, User.stage, since).where(
        User.active, User.stage.in_(NEEDS_CONTACT), condition, ~has_contact)).all()
    return [Finding(PersonRef(*row[:4]), "no_contact", "contacts_assigned",
                    _("%(stage)s since %(date)s without a training contact.", stage=Stage(row.stage).label,
                      date=row.since.isoformat() if row.since else "—"), on=today)
            for row in rows]


def page_of(items: list, page: int | None, per_page: int) -> tuple[list, PageInfo]:
    """One page of a list already in memory, and its PageInfo for the pagination macro."""
    info = PageInfo(1, len(items), per_page)
    info = PageInfo(min(max(1, page or 1), info.pages), len(items), per_page)
    return items[(info.page - 1) * per_page:info.page * per_page], info


@dataclass
class Report:
    findings: list[Finding]
    counts: Counter  # per kind, before the kind filter


def report(condition: ColumnElement, today: date, names: dict[int, str], *, year: int | None = None,
           kind: str | None = None, messages: bool = True) -> Report:
    """The findings for the people meeting `condition`, dated in `year` (all years when None), of
    `kind` (all when None), ordered by branch, person and date. Without `messages`, the stored
    findings' messages are read only by `with_messages` (for the page shown)."""
    # The stored findings when they are complete for the rules in force, else every file checked now.
    found = (stored.read(condition, today, year=year, messages=messages) if stored.current()
             else check.check_all(today, condition))
    found += _other_findings(condition, today, year)
    if year:
        found = [f for f in found if f.on is not None and f.on.year == year]
    counts = Counter(f.kind for f in found)
    if kind:
        found = [f for f in found if f.kind == kind]
    found.sort(key=lambda f: (names.get(f.person.branch_id, ""), f.person.name, f.person.id, f.on or date.min,
                              KINDS.index(f.kind) if f.kind in KINDS else len(KINDS)))
    return Report(found, counts)


def with_messages(findings: list[Finding]) -> list[Finding]:
    """The messages of findings read without them (report(..., messages=False))."""
    return stored.with_messages(findings)


def _other_findings(condition: ColumnElement, today: date, year: int | None) -> list[Finding]:
    """The findings that are not the files' own: no training contact, and the registered sources."""
    found = no_contact_findings(condition, today)
    quarters = quarters_for(year, today)
    for source in hooks.providers(SOURCES):
        found += source(condition, quarters, today)
    return found


def _other_counts(condition: ColumnElement, today: date, year: int | None) -> list[tuple[int, str, int]]:
    """(branch id, kind, findings) of _other_findings, counted in SQL where a source can."""
    rows: list[tuple[int, str, int]] = []
    if not year or today.year == year:  # "no contact" is dated today
        has_contact = exists().where(ContactAssignment.learner_id == User.id, ContactAssignment.active)
        rows += [(branch_id, "no_contact", int(n)) for branch_id, n in db.session.execute(
            select(User.branch_id, func.count()).where(User.active, User.stage.in_(NEEDS_CONTACT), condition,
                                                       ~has_contact).group_by(User.branch_id))]
    quarters = quarters_for(year, today)
    counters = current_app.extensions.get(COUNTERS, {})
    for source in hooks.providers(SOURCES):
        if source in counters:
            rows += counters[source](condition, quarters, today)
        else:
            rows += [(f.person.branch_id, f.kind, 1) for f in source(condition, quarters, today)
                     if not year or (f.on is not None and f.on.year == year)]
    return rows


def counts_by_branch(condition: ColumnElement, today: date, year: int | None = None) -> dict[int, Counter]:
    """branch id -> findings per kind of the people meeting `condition`, dated in `year` (all when
    None): the report's counts without building its rows (the stored findings counted in SQL)."""
    result: dict[int, Counter] = {}
    if stored.current():
        counted = stored.counts(condition, today, year=year)
    else:
        counted = [(f.person.branch_id, f.kind, 1) for f in check.check_all(today, condition)
                   if not year or (f.on is not None and f.on.year == year)]
    for branch_id, kind, n in counted + _other_counts(condition, today, year):
        result.setdefault(branch_id, Counter())[kind] += n
    return result


def report_xlsx(findings: list[Finding], names: dict[int, str]) -> bytes:
    """The findings as one sheet; every cell through spreadsheets.append_row (names are user text)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Compliance"))
    append_row(sheet, [_("Branch"), _("Name"), _("Login ID"), _("Finding"), _("Date"), _("Details")])
    for f in findings:
        append_row(sheet, [names.get(f.person.branch_id, ""), f.person.name, f.person.login_id,
                           str(KIND_LABELS.get(f.kind, f.kind)), f.on.isoformat() if f.on else "", f.message])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
