"""The forecast lists development targets whose next steps fit in the year."""

from __future__ import annotations

from datetime import date

from learnapp.planning import forecast
from tests.helpers.development import person_up_to
from tests.helpers.planning import admitted


def test_development_targets_on_course_this_year(org, db, clock):
    target = person_up_to(org.branch_a, "training_class", login_id="f_target")
    person_up_to(org.branch_a, "activist_examined", login_id="f_activist")  # not a development target yet
    admitted(org.branch_a, date(2026, 3, 1), "f_admitted")  # already admitted
    elsewhere = person_up_to(org.branch_c, "target_filed", login_id="f_c")
    found = forecast.candidates(org.branch_a, 2026, date(2026, 6, 15))
    assert [c.person.id for c in found] == [target.id]
    candidate = found[0]
    assert candidate.on_course and candidate.earliest == date(2026, 6, 15) and not candidate.pending
    assert "branch_committee_review" in [s.code for s in candidate.next]
    assert all(s.code != "oath" for s in candidate.next)  # only the steps up to the admission
    assert elsewhere.id in [c.person.id for c in forecast.candidates(org.committee, 2026, date(2026, 6, 15))]
    # Seen from a year that has ended, nobody is on course for it any more.
    assert not forecast.candidates(org.branch_a, 2025, date(2026, 6, 15))[0].on_course
