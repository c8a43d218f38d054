"""Year pickers offer the years that have data (and this year), as a select."""

from __future__ import annotations

from datetime import date

from learnapp.assessments.queries import years_choice
from learnapp.db import db
from learnapp.ledger import services
from learnapp.ledger.models import Category
from learnapp.security import SYSTEM


def test_years_with_study_hours_and_this_year(app, clock, org, client, login):
    services.grant(SYSTEM, org.learner_a, category=Category.lecture, credit_hundredths=100, occurred_on=date(2023, 5, 1),
                   source_type="adjustment", allow_future=False)
    db.session.commit()
    assert years_choice(2026) == [2026, 2023]
    assert years_choice(2026, org.learner_b.id) == [2026]
    login(org.learner_a)
    page = client.get(f"/assessments/people/{org.learner_a.id}").get_data(as_text=True)
    assert '<option value="2023"' in page and '<option value="2024"' not in page
    reading = client.get("/reading/").get_data(as_text=True)
    assert '<select id="year" name="year">' in reading and 'type="number" id="year"' not in reading
