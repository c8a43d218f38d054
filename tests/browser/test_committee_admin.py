"""The committee admin's journeys: a question bank file, a random-draw quiz, a roster, a year close."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from tests.helpers.browser import flows

pytestmark = pytest.mark.browser


def test_committee_admin_imports_bank_and_builds_random_draw_quiz(journey, server, tmp_path):
    """Import a GIFT file (preview, then confirm), build a timed quiz drawing 4 of its 6 questions, publish it."""
    journey.login(server.login_for("committee admin"))
    built = flows.quiz_for(journey.size, journey, server, tmp_path)
    journey.goto(f"/quizzes/manage/{built.quiz_id}", step="quiz-overview")
    assert built.title in journey.text("main h1")
    journey.goto(f"/quizzes/manage/{built.quiz_id}/preview", step="quiz-preview")


def _download(journey, trigger) -> bytes:
    with journey.page.expect_download() as info:
        trigger()
    path = info.value.path()
    return open(path, "rb").read()


def test_committee_admin_imports_roster(journey, server):
    """Download the roster template, fill it in, upload it, get the one-time passwords, and a new person logs in."""
    journey.login(server.login_for("committee admin"))
    journey.goto("/people/import", step="roster-form")

    template = load_workbook(io.BytesIO(_download(journey, lambda: journey.page.locator(
        "main a[href$='/import/template.xlsx']").first.click())))
    headers = [cell.value for cell in template.worksheets[0][1]]
    assert headers[:4] == ["姓名", "工号", "支部", "阶段"], headers

    branch = next(entry.branch for entry in server.logins if entry.role == "branch admin")
    people = [(f"新同志{journey.size}{n}", f"r-{journey.size}-{n}", branch, stage)
              for n, stage in enumerate(["入党申请人", "入党积极分子", "发展对象"], start=1)]
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for name, login_id, branch_name, stage in people:
        sheet.append([name, login_id, branch_name, stage] + [None] * (len(headers) - 4))
    roster = journey.server.workdir / f"roster-{journey.size}.xlsx"
    book.save(roster)

    journey.page.set_input_files("#file", str(roster))
    journey.submit("main form[enctype] button[type=submit]", step="roster-imported")
    page_text = journey.text()
    for _name, login_id, _branch, _stage in people:
        assert login_id in page_text, f"{login_id} missing from the import result"

    # Saved from the result page itself (a data: link): no later request can fetch the passwords.
    passwords = load_workbook(io.BytesIO(_download(journey, lambda: journey.page.locator(
        "main a[download][href^='data:']").click())))
    rows = [[cell.value for cell in row] for row in passwords.worksheets[0].iter_rows()]
    by_login = {str(row[0]): row for row in rows[1:] if row and row[0]}
    first_login = people[0][1]
    assert first_login in by_login, rows[:5]
    initial_password = str(by_login[first_login][-1])

    journey.logout()
    journey.login(first_login, initial_password, step="new-person-login")
    assert journey.path().startswith("/account/password"), "a new person must choose a password first"


def test_committee_admin_closes_a_year(journey, server):
    """Close last year with its carry-over (reopening it first, with a reason, if an earlier run closed it)."""
    year = flows.local_today().year - 1
    journey.login(server.login_for("committee admin"))
    journey.open_menu()
    journey.click("#site-nav a[href$='/ledger/years']", step="years")
    journey.goto(f"/ledger/years/{year}", step="year")
    page = journey.page
    reopen = page.locator(f"form[action$='/years/{year}/reopen']")
    if reopen.count():
        page.fill("#reason", "浏览器测试：重新打开以再次结转")
        journey.click(reopen.locator("button"), step="reopened")
        assert page.locator(".flash-success").count() == 1, journey.text()[:800]
    journey.click(page.locator(f"form[action$='/years/{year}/close'] button"), step="closed")
    assert page.locator(".flash-success").count() == 1, journey.text()[:800]
    assert any(d.kind == "confirm" for d in journey.dialogs), "closing a year should ask for confirmation"
    assert page.locator(f"form[action$='/years/{year}/reopen']").count() == 1, "a closed year offers to reopen"


def test_committee_admin_downloads_the_activists_register(journey, server):
    """The register of activists as committees keep it: a title row, the Chinese headings, a date per step."""
    journey.login(server.login_for("committee admin"))
    journey.goto("/people/register", step="register-form")
    journey.page.locator("main form[action$='/people/register/export'] select").first.select_option("activist")
    book = load_workbook(io.BytesIO(_download(journey, lambda: journey.page.locator(
        "main form[action$='/people/register/export'] button[type=submit]").click())))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert "入党积极分子名册" in rows[0][0]
    assert {"姓名", "申请入党时间", "确定为入党积极分子时间", "培养联系人"} <= set(rows[1])
    assert len(rows) > 3  # the demo has activists
    journey.shot("register-downloaded")
