"""Report pages take a fixed number of statements, not one per person."""

from __future__ import annotations

from learnapp.db import db
from tests.helpers import factories
from tests.helpers.query_counter import count_queries
from tests.helpers.reports import add_claim, add_entry, add_quiz_result


def test_query_count_does_not_grow_with_people(app, clock, org, client, login):
    """Dashboard, drill-down and export take a fixed number of queries, not one per person."""
    login(org.committee_admin)

    def measure() -> list[int]:
        counts = []
        for url in ("/reports/?year=2026", f"/reports/branches/{org.branch_a.id}?year=2026",
                    "/reports/export.csv?year=2026", "/reports/reminders?year=2026"):
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts.append(counter.count)
        return counts

    before = measure()
    for i in range(30):
        person = factories.make_user(org.branch_a if i % 2 else org.branch_c)
        add_entry(person, 100 * i)
        add_claim(person, decided_by=org.committee_admin)
        add_quiz_result(person, None, 5000 + i * 100)
    db.session.commit()
    assert measure() == before
