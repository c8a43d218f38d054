"""The completion ledger (台账) as XLSX (a summary sheet and one sheet per branch) and as CSV.

Rows are streamed from the database (yield_per) into openpyxl's write-only workbook or a CSV
generator, so a committee of 20,000 people never sits in memory at once.
Headers are Chinese whatever the UI language: the 台账 is an official document. Credits are numbers
(学时 with two decimals, from integer hundredths through Decimal: never floats).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import attrgetter
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import ColumnElement, case, func, select

from learnapp.accounts.models import STAGE_CHINESE, ContactAssignment, Stage, User
from learnapp.assessments.models import GRADE_CHINESE, Assessment, AssessorRole, Grade, Period
from learnapp.assessments.queries import with_status
from learnapp.assessments.status import Status
from learnapp.db import db
from learnapp.org.models import Branch
from learnapp.org.queries import flatten, full_names
from learnapp.quizzes.queries import counted_results
from learnapp.reports.rollup import Node
from learnapp.spreadsheets import append_row, csv_writer

STATUS_CHINESE = {Status.complete: "已完成", Status.on_track: "进度正常", Status.behind: "进度落后", Status.not_met: "未达标"}
# The year's assessment grades (by the branch, else the training contact) and each person's contacts.
GRADE_PERIODS = [(Period.year, "年度考核等次"), (Period.q1, "一季度考核"), (Period.q2, "二季度考核"),
                 (Period.q3, "三季度考核"), (Period.q4, "四季度考核")]
PERSON_HEADERS = ["支部", "姓名", "登录名", "阶段", "要求学时", "已获学时", "线上学时", "线下学时", "完成率(%)",
                  "状态", "考核测试数", "测试平均分", *(label for _p, label in GRADE_PERIODS),
                  "联系电话", "电子邮箱", "培养联系人"]
SUMMARY_HEADERS = ["支部", "人数", "达标人数", "达标率(%)", "人均学时", "进度落后人数", "落后率(%)", "待审核申报",
                   "测试平均分"]
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def hours(hundredths: int | None) -> Decimal | None:
    """Hundredths of a 学时 as an exact decimal number of 学时."""
    return None if hundredths is None else Decimal(int(hundredths)).scaleb(-2)


def _percent(part: int, whole: int) -> Decimal | None:
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


def _score(bp: int | None) -> Decimal | None:
    return None if bp is None else Decimal(int(bp)).scaleb(-2)


@dataclass
class PersonRow:
    branch_id: int
    values: list


def person_rows(user_filter: ColumnElement[bool], year: int, today: date, *, stage: Stage | None = None,
                status: Status | None = None) -> Iterator[PersonRow]:
    """Every person in scope, grouped by branch (by path), with the 台账 columns. One streamed query,
    run when the first row is asked for: in a streamed response that is after the view has
    returned and its session has been closed (Flask tears the app context down and pushes it again
    for the body), which would end a PostgreSQL server-side cursor opened earlier."""
    stmt, people = with_status(year, user_filter, today, stage=stage, status=status)
    sq = stmt.subquery("people_status")
    # Scores of the same people: the plain condition on users unless a status filter needs the sums.
    ids = select(sq.c.user_id) if status is not None else select(User.id).where(user_filter)
    results = counted_results(ids, year).order_by(None).subquery("results")
    scores = (select(results.c.user_id, func.count().label("n"), func.sum(results.c.score_bp).label("bp"))
              .group_by(results.c.user_id).subquery("scores"))
    users = User.__table__.alias("contact_details")
    query = (
        select(sq, scores.c.n, scores.c.bp, users.c.phone, users.c.email, *_grade_columns(sq.c.user_id, year),
               *_contact_columns(sq.c.user_id))
        .join(Branch, Branch.id == sq.c.branch_id)
        .join(users, users.c.id == sq.c.user_id)
        .outerjoin(scores, scores.c.user_id == sq.c.user_id)
        .order_by(Branch.path, sq.c.name, sq.c.user_id)
        .execution_options(yield_per=1000)
    )
    names = full_names()
    for row in db.session.execute(query):
        n = int(row.n or 0)
        yield PersonRow(row.branch_id, [
            names.get(row.branch_id, ""), row.name, row.login_id, STAGE_CHINESE[Stage(row.stage)],
            hours(row.requirement), hours(row.total), hours(row.online), hours(row.offline),
            _percent(int(row.total), int(row.requirement)) if row.requirement else None,
            STATUS_CHINESE[Status(row.status)], n, _score(round(int(row.bp) / n)) if n else None,
            *(_grade(row._mapping[f"grade_{period.value}"]) for period, _label in GRADE_PERIODS),
            row.phone or "", row.email or "", "、".join(dict.fromkeys(c for c in (row.contact_a, row.contact_b) if c)),
        ])


def _grade_columns(user_id, year: int) -> list:
    """Per period, the grade given by the branch (else by the training contact): a scalar subquery
    of the row's own statement, so the export stays one streamed query."""
    a = Assessment.__table__
    branch_first = case((a.c.assessor_role == AssessorRole.branch.value, 0), else_=1)
    return [select(a.c.grade).where(a.c.user_id == user_id, a.c.year == year, a.c.period == period.value)
            .order_by(branch_first, a.c.id.desc()).limit(1).scalar_subquery().label(f"grade_{period.value}")
            for period, _label in GRADE_PERIODS]


def _contact_columns(user_id) -> list:
    """The person's training contacts (at most two at a time): the first and last name."""
    c, u = ContactAssignment.__table__, User.__table__.alias("contact_people")
    names = select(u.c.name).join(c, c.c.contact_id == u.c.id).where(c.c.learner_id == user_id, c.c.active)
    return [names.with_only_columns(func.min(u.c.name)).scalar_subquery().label("contact_a"),
            names.with_only_columns(func.max(u.c.name)).scalar_subquery().label("contact_b")]


def _grade(value) -> str:
    return GRADE_CHINESE[Grade(value)] if value else ""


def summary_rows(nodes: list[Node]) -> Iterator[list]:
    """One row per branch of the table (subtree totals), indented by depth."""
    for node in flatten(nodes):
        agg = node.total
        yield ["\u3000" * node.level + node.branch.name, agg.people, agg.met, _percent(agg.met, agg.people),
               hours(agg.avg_credit), agg.behind, _percent(agg.behind, agg.people), agg.pending,
               _score(agg.avg_score_bp)]


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet title (Excel: ≤ 31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'") or "Sheet"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def write_xlsx(out: IO[bytes], nodes: list[Node], rows: Iterator[PersonRow], *, title: str) -> None:
    """The summary sheet, then one sheet per branch with its people (rows arrive grouped by branch).

    openpyxl's write-only workbook keeps each sheet in a temporary file, not in memory; with lxml
    installed it serialises rows through lxml's incremental writer, several times faster than the
    standard library's. The header rows share one bold font (a cell style per cell is the slow path).
    Every row goes through spreadsheets.append_row: names are text that must never run as a formula.
    """
    book = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)

    def header(sheet, headers: list[str]) -> None:
        cells = [WriteOnlyCell(sheet, value=text) for text in headers]
        for cell in cells:
            cell.font = bold
        append_row(sheet, cells)

    summary = book.create_sheet(sheet_title("汇总", taken))
    summary.freeze_panes = "A3"
    append_row(summary, [title])
    header(summary, SUMMARY_HEADERS)
    for values in summary_rows(nodes):
        append_row(summary, values)
    branch_names = dict(db.session.execute(select(Branch.id, Branch.name)).all())
    for branch_id, group in groupby(rows, key=attrgetter("branch_id")):
        sheet = book.create_sheet(sheet_title(branch_names.get(branch_id, str(branch_id)), taken))
        sheet.freeze_panes = "C2"
        header(sheet, PERSON_HEADERS)
        for row in group:
            append_row(sheet, row.values)
    book.save(out)


def csv_lines(rows: Iterator[PersonRow]) -> Iterator[str]:
    """The 台账 as CSV text chunks, starting with a UTF-8 BOM so Excel reads the Chinese right.
    Numbers are written as plain decimals, text through spreadsheets.csv_writer."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    yield "\ufeff"
    writer.writerow(PERSON_HEADERS)
    count = 0
    for row in rows:
        writer.writerow(row.values)
        count += 1
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class Counted:
    """The rows of an export, counting those taken (for the export's audit entry)."""

    def __init__(self, rows: Iterator[PersonRow]):
        self._rows = iter(rows)
        self.count = 0

    def __iter__(self) -> Counted:
        return self

    def __next__(self) -> PersonRow:
        row = next(self._rows)
        self.count += 1
        return row
