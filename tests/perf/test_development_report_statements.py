"""The development reports take a fixed number of statements, whatever the number of people and branches."""

from __future__ import annotations

from sqlalchemy import delete

from learnapp.db import db
from learnapp.development.models import DevelopmentFindingsState
from learnapp.planning import services
from tests.helpers.query_counter import count_queries
from tests.helpers.report_scale import files_in, load_scheme, more_branches

PAGES = ("/planning/?year=2026", "/planning/forecast", "/development/compliance", "/development/compliance?year=2026",
         "/yearend/?year=2026", "/yearend/export.xlsx?year=2026", "/yearend/export.docx?year=2026",
         "/yearend/scores?year=2026")


def _measure(client) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        with count_queries() as counter:
            assert client.get(url).status_code == 200, url
        counts[url] = counter.count
    return counts


def _start(org, login):
    services.set_plan(org.committee_admin, org.branch_a, 2026, 3, {"women": 1})
    load_scheme()
    files_in([org.branch_a, org.branch_c], 7, "first")
    db.session.commit()
    login(org.committee_admin)


def test_statements_do_not_grow_with_people(app, clock, org, client, login):
    _start(org, login)
    before = _measure(client)
    files_in([org.branch_a, org.branch_b, org.branch_c], 21, "more")
    db.session.commit()
    assert _measure(client) == before


def test_statements_do_not_grow_with_branches(app, clock, org, client, login):
    _start(org, login)
    before = _measure(client)
    branches = more_branches(org, 6, "extra")
    files_in(branches, 12, "there")
    db.session.commit()
    assert _measure(client) == before


def test_statements_do_not_grow_with_people_when_every_file_is_checked(app, clock, org, client, login):
    """Without stored findings (a database upgraded before `check --rebuild`) the reports check every
    file themselves, still in a fixed number of statements."""
    _start(org, login)
    db.session.execute(delete(DevelopmentFindingsState))
    db.session.commit()
    before = _measure(client)
    files_in([org.branch_a, org.branch_b, org.branch_c], 21, "more")
    db.session.commit()
    db.session.execute(delete(DevelopmentFindingsState))  # the new files' steps refreshed theirs; still unbuilt
    db.session.commit()
    assert _measure(client) == before
