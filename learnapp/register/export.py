"""The register (名册) per stage as XLSX or CSV, in the layout the import reads back.

    register_table(actor, stage, branch=None, today) -> Table    # title, headings, rows; scoped by the actor
    table_xlsx(table) / table_csv(table) -> bytes

Every cell goes through the site's formula-safe writer (learnapp.spreadsheets: text that would
start a formula stays text; the import reads it back as typed). Every download is an audit entry
(`record_export`).
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from learnapp import spreadsheets
from learnapp.accounts.models import STAGE_CHINESE, ContactAssignment, Stage, User
from learnapp.accounts.person_fields import birth_date_text
from learnapp.accounts.queries import PeopleFilter, people_statement
from learnapp.audit import exports
from learnapp.db import db
from learnapp.org.models import Branch
from learnapp.org.queries import committee, full_names
from learnapp.register import steps

DATE_FORMAT = "yyyy.mm.dd"

# The date columns of each stage's register (the import's headings, so the file reads back).
DATE_HEADINGS = {
    "applied_on": "申请入党时间",
    "activist_on": "确定为入党积极分子时间",
    "target_on": "列为发展对象时间",
    "admitted_on": "接收为预备党员时间",
    "full_on": "转正时间",
}
_DATES_UP_TO = {stage: list(DATE_HEADINGS)[: i + 1] for i, stage in enumerate(Stage)}
PERSON_HEADINGS = ["序号", "姓名", "登录名", "性别", "民族", "出生年月", "学历", "岗位类别", "工作单位及职务", "所在支部", "手机"]


@dataclass
class Table:
    title: str
    headings: list[str]
    rows: list[list]
    sheet_name: str = "名册"


def committee_title(what: str, today: date) -> str:
    root = committee()
    return f"{root.name if root else ''}{what}（截至{today.year}年{today.month:02d}月{today.day:02d}日）"


def register_table(actor, stage: Stage, today: date, branch: Branch | None = None) -> Table:
    """The people at `stage` whom the actor may see (within `branch`), with every date, contacts and introducers."""
    people = list(db.session.scalars(people_statement(actor, PeopleFilter(stage=stage, branch=branch))))
    names = full_names()
    dates = steps.dates_by_column(people)
    contacts = _contact_names([p.id for p in people])
    introducers = steps.introducer_names(people)
    columns = _DATES_UP_TO[stage]
    with_contacts = stage != Stage.applicant
    with_introducers = stage.rank >= Stage.development_target.rank
    headings = PERSON_HEADINGS + [DATE_HEADINGS[c] for c in columns]
    headings += (["培养联系人"] if with_contacts else []) + (["入党介绍人"] if with_introducers else []) + ["备注"]
    rows = []
    for number, person in enumerate(people, start=1):
        row = [number, person.name, person.login_id, person.gender or "", person.ethnicity or "", birth_date_text(person),
               person.education or "", person.job_category or "", person.department or "",
               names.get(person.branch_id, ""), person.phone or ""]
        row += [dates.get(person.id, {}).get(c) for c in columns]
        if with_contacts:
            row.append("、".join(contacts.get(person.id, [])))
        if with_introducers:
            row.append("、".join(introducers.get(person.id, [])))
        row.append("")
        rows.append(row)
    return Table(committee_title(f"{STAGE_CHINESE[stage]}名册", today), headings, rows)


def _contact_names(user_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if not user_ids:
        return found
    stmt = (select(ContactAssignment.learner_id, User.name).join(User, User.id == ContactAssignment.contact_id)
            .where(ContactAssignment.learner_id.in_(user_ids), ContactAssignment.active.is_(True))
            .order_by(ContactAssignment.id))
    for learner_id, name in db.session.execute(stmt):
        found.setdefault(learner_id, []).append(name)
    return found


def _write_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.sheet_name
    width = len(table.headings)
    spreadsheets.append_row(sheet, [table.title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    spreadsheets.append_row(sheet, table.headings)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in table.rows:
        spreadsheets.append_row(sheet, row)
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, str):
                cell.number_format = "@"  # keep phones and login IDs as text when edited
    for index, heading in enumerate(table.headings, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(8, min(30, 2 * len(heading) + 4))
    sheet.freeze_panes = "C3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_xlsx(table: Table) -> bytes:
    return _write_xlsx(table)


def table_csv(table: Table) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese correctly; dates as 2023.05.08."""
    buffer = io.StringIO(newline="")
    writer = spreadsheets.csv_writer(buffer, lineterminator="\r\n")
    writer.writerow([table.title])
    writer.writerow(table.headings)
    for row in table.rows:
        writer.writerow([f"{v:%Y.%m.%d}" if isinstance(v, date) else v for v in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def record_export(actor, what: str, table: Table, branch: Branch | None, **details) -> None:
    """The audit entry of a download: who took which register, how many people."""
    exports.record_export(actor, what, (what, None), branch=branch or committee(),
                          summary=f"{table.title}: {len(table.rows)}", rows=len(table.rows), **details)


FILING_KINDS = {"activist_filed": ("入党积极分子", "activist_on"), "target_filed": ("发展对象", "target_on")}
FILING_STATUS = {"submitted": "已提交", "accepted": "已接受"}


def filing_table(actor, start: date, end: date, today: date, branch: Branch | None = None) -> Table:
    """The committee's 备案 list: people whose activist or target filing was submitted or accepted in [start, end]."""
    people = {p.id: p for p in db.session.scalars(people_statement(actor, PeopleFilter(branch=branch, active="all")))}
    filings = steps.filings(list(people), start, end)
    shown = [people[f.user_id] for f in filings]
    names = full_names()
    dates = steps.dates_by_column(shown)
    contacts = _contact_names([p.id for p in shown])
    headings = PERSON_HEADINGS + ["备案类别", "确定时间", "培养联系人", "备案日期", "状态", "决定日期", "备注"]
    rows = []
    for number, filing in enumerate(filings, start=1):
        person = people[filing.user_id]
        kind, column = FILING_KINDS[filing.code]
        rows.append([number, person.name, person.login_id, person.gender or "", person.ethnicity or "",
                     birth_date_text(person), person.education or "", person.job_category or "",
                     person.department or "", names.get(person.branch_id, ""), person.phone or "", kind,
                     dates.get(person.id, {}).get(column), "、".join(contacts.get(person.id, [])), filing.done_on,
                     FILING_STATUS.get(filing.status, filing.status), filing.decided_on, filing.note or ""])
    period = f"{start.year}年{start.month:02d}月{start.day:02d}日至{end.year}年{end.month:02d}月{end.day:02d}日"
    root = committee()
    title = f"{root.name if root else ''}入党积极分子、发展对象备案名单（{period}）"
    return Table(title, headings, rows, sheet_name="备案名单")
