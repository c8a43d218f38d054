"""Sign-in sheets (XLSX): a pre-filled sheet to print or fill in, and its all-or-nothing import."""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from learnapp import spreadsheets
from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.ledger.activities import Change, roster, set_attendance
from learnapp.ledger.offline_models import Activity, Attendance, AttendanceMethod

MAX_SHEET_BYTES = 5 * 1024 * 1024
LOGIN_HEADERS = {"登录名", "工号", "账号", "login", "login id", "login_id", "staff number"}
NAME_HEADERS = {"姓名", "name"}
PRESENT_HEADERS = {"签到", "出席", "到会", "present", "attended"}
YES = {"是", "√", "✓", "✔", "y", "yes", "1", "x", "true", "出席", "到", "已签到"}
NO = {"否", "", "n", "no", "0", "false", "缺席", "未到"}


def template(activity: Activity, actor) -> bytes:
    """The roster as a sheet: login ID, name, branch, and a column to mark who came."""
    wb = Workbook()
    ws = wb.active
    ws.title = "签到表"
    spreadsheets.append_row(ws, ["登录名", "姓名", "支部", "签到"])
    for user, attendance in db.session.execute(roster(activity, actor)).all():
        spreadsheets.append_row(ws, [user.login_id, user.name, user.branch.name,
                                     "是" if attendance and attendance.present else ""])
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 24
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass
class SheetRow:
    line: int
    user: User
    present: bool


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def parse(data: bytes) -> list[tuple[int, str, str, bool]]:
    """(row number, login ID, name, present) for each filled row; errors name the row."""
    if len(data) > MAX_SHEET_BYTES:
        raise DomainError(_("The sheet is larger than 5 MB."), "file")
    if not data.startswith(b"PK\x03\x04"):
        raise DomainError(_("This is not an XLSX file."), "file")
    try:
        # Within the upload limits (a SpreadsheetRefused, a DomainError, says which one was passed).
        rows = [values for _number, values in spreadsheets.xlsx_rows(data)]
    except spreadsheets.SpreadsheetDamaged:
        raise DomainError(_("This is not an XLSX file."), "file") from None
    while rows and not any(_cell(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise DomainError(_("The sheet is empty."), "file")
    header = [_cell(h).lower() for h in rows[0]]
    login_col = next((i for i, h in enumerate(header) if h in LOGIN_HEADERS), None)
    if login_col is None:
        raise DomainError(_("Row 1 must name a column 登录名 (login ID)."), "file")
    name_col = next((i for i, h in enumerate(header) if h in NAME_HEADERS), None)
    present_col = next((i for i, h in enumerate(header) if h in PRESENT_HEADERS), None)
    result, reasons = [], []
    for number, row in enumerate(rows[1:], start=2):
        def get(col, row=row):
            return _cell(row[col]) if col is not None and col < len(row) else ""

        login_id = get(login_col)
        if not login_id and not any(_cell(v) for v in row):
            continue
        if not login_id:
            reasons.append(("file", _("Row %(row)d: the login ID is missing.", row=number)))
            continue
        present = True
        if present_col is not None:
            mark = get(present_col).lower()
            if mark in YES:
                present = True
            elif mark in NO:
                present = False
            else:
                reasons.append(("file", _("Row %(row)d: write 是 or leave the sign-in column empty, not “%(mark)s”.",
                                        row=number, mark=mark)))
                continue
        result.append((number, login_id, get(name_col), present))
    if reasons:
        raise DomainError(reasons)
    return result


def _already_present(activity: Activity, user: User) -> bool:
    return bool(db.session.scalar(select(Attendance.present).where(Attendance.activity_id == activity.id,
                                                                   Attendance.user_id == user.id)))


def import_sheet(actor, activity: Activity, data: bytes) -> list[Change]:
    """Mark everyone the sheet says came as present. All rows are checked first; one bad row stops all."""
    rows = parse(data)
    people = {u.login_id: u for u, _a in db.session.execute(roster(activity, actor)).all()}
    reasons, checked = [], []
    for number, login_id, name, present in rows:
        user = people.get(login_id)
        if user is None:
            exists = db.session.scalar(select(User.id).where(User.login_id == login_id))
            message = (_("Row %(row)d: %(login)s is not in this activity's audience or not in your branches.", row=number, login=login_id)
                       if exists else _("Row %(row)d: no person has the login ID %(login)s.", row=number, login=login_id))
            reasons.append(("file", message))
        elif present and user.id == getattr(actor, "id", None) and not _already_present(activity, user):
            reasons.append(("file", _("Row %(row)d: you cannot record your own attendance; another administrator "
                                    "(e.g. the committee) must record it.", row=number)))
        elif name and name != user.name:
            reasons.append(("file", _("Row %(row)d: %(login)s is %(actual)s, not %(name)s.", row=number, login=login_id,
                                    actual=user.name, name=name)))
        else:
            checked.append(SheetRow(number, user, present))
    if reasons:
        raise DomainError(reasons)
    changes = []
    for row in checked:
        if row.present:
            change = set_attendance(actor, activity, row.user, True, AttendanceMethod.sheet)
            if change:
                changes.append(change)
    return changes
