"""Who is in training: the people the year's requirement applies to. The committee's admin and the
auditor (full members who hold only committee_admin / auditor) owe no 学时 and are not counted in
totals, dashboards, reminders or exports, unless the year's rules give their role a requirement."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from learnapp import clock as app_clock
from learnapp.db import db
from learnapp.ledger.rules import YearRules, rules_for_year
from learnapp.ledger.services import save_rules
from learnapp.reports import reminders, rollup
from learnapp.reports.people import people_page
from learnapp.reports.scope import readable_people
from learnapp.security import SYSTEM

RULES_COUNTING_ADMINS = """\
year: 2026
requirement:
  default: 50
  by_role:
    committee_admin: 32
"""


def test_the_rule_in_python():
    rules = YearRules(2026, requirement_by_role={"branch_admin": 5600})
    assert rules.owes_hours([]) and rules.owes_hours(["branch_admin"])
    assert not rules.owes_hours(["committee_admin"]) and not rules.owes_hours(["auditor"])
    assert rules.owes_hours(["committee_admin", "branch_admin"])  # a branch secretary who also administers
    assert YearRules(2026, requirement_by_role={"auditor": 3200}).owes_hours(["auditor"])


def test_dashboard_totals_leave_out_admin_and_auditor(app, clock, org):
    nodes = rollup.dashboard(org.committee_admin, rollup.Filters(2026, app_clock.today()))
    # Eight active accounts; the admin and the auditor are not in training.
    assert rollup.totals(nodes).people == 6
    assert nodes[0].branch == org.committee and nodes[0].own.people == 0


def test_dashboard_people_list_leaves_them_out(app, clock, org, client, login):
    page = people_page(readable_people(org.committee_admin), 2026, app_clock.today(), per_page=50)
    logins = {row.login_id for row in page.rows}
    assert page.total == 6 and "learner_a" in logins and "admin_a" in logins
    assert not {"cadmin", "auditor"} & logins
    login(org.committee_admin)
    html = client.get(f"/reports/branches/{org.committee.id}?year=2026").get_data(as_text=True)
    # (The admin's own name is in the page's header: the auditor's is the one to look for.)
    assert org.learner_a.name in html and org.auditor.name not in html


def test_reminders_go_to_people_in_training_only(app, clock, org):
    # Mid-June with no study hours: everyone in training is behind pace.
    rows = db.session.execute(reminders.behind_pace(readable_people(org.committee_admin), 2026, app_clock.today())).all()
    logins = {row.login_id for row in rows}
    assert len(rows) == 6 and "learner_c" in logins
    assert not {"cadmin", "auditor"} & logins


def test_export_leaves_them_out(app, clock, org, client, login):
    login(org.committee_admin)
    response = client.get("/reports/export.xlsx?year=2026")
    wb = load_workbook(io.BytesIO(response.data))
    logins = {row[2] for ws in wb.worksheets[1:] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert "learner_a" in logins and not {"cadmin", "auditor"} & logins


def test_the_rules_can_count_the_admins(app, clock, org):
    save_rules(SYSTEM, RULES_COUNTING_ADMINS, source_name="2026.yaml")
    db.session.flush()
    assert rules_for_year(2026).owes_hours(["committee_admin"])
    rows = db.session.execute(reminders.behind_pace(readable_people(org.committee_admin), 2026, app_clock.today())).all()
    by_login = {row.login_id: row for row in rows}
    assert by_login["cadmin"].requirement == 3200 and "auditor" not in by_login
