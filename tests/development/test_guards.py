"""Each guard of the procedure passes and fails; a refusal names every unmet requirement."""

from __future__ import annotations

from datetime import date

import pytest

from learnapp.accounts.models import Stage
from learnapp.development import services
from learnapp.development.guards import unmet_requirements
from learnapp.development.history import record_history
from learnapp.development.services import StepRefused, record_step
from learnapp.errors import DomainError
from learnapp.security import SYSTEM
from tests.helpers import factories
from tests.helpers.development import VOTE, ledger_training, path_date, person_up_to


def test_a_development_target_needs_twelve_months_as_activist(org, db):
    person = person_up_to(org.branch_a, "target_contact_opinion")
    early = date(2024, 9, 9)  # activist since 2023-09-10: one day short of a year
    with pytest.raises(StepRefused) as refused:
        record_step(org.admin_a, person, "target_determined", early)
    assert [u.kind for u in refused.value.unmet] == ["after_months"]
    message = refused.value.messages[0]
    assert "2024-09-10" in message and "《中国共产党发展党员工作细则》第三章" in message
    assert person.stage == Stage.activist
    step = record_step(org.admin_a, person, "target_determined", date(2024, 9, 10))
    assert step.status == "recorded" and person.stage == Stage.development_target


def test_the_talk_is_due_within_a_month_of_the_application(org, db):
    person = person_up_to(org.branch_a, "application")  # 2023-03-01
    late = unmet_requirements(person, "application_talk", date(2023, 4, 2))
    assert len(late) == 1 and "2023-04-01" in late[0]
    assert unmet_requirements(person, "application_talk", date(2023, 4, 1)) == []


def test_a_refusal_lists_every_unmet_requirement(org, db):
    person = person_up_to(org.branch_a, "activist_determined", skip=("activist_filed",))
    with pytest.raises(StepRefused) as refused:
        record_step(org.admin_a, person, "target_determined", date(2024, 1, 10))
    kinds = [u.kind for u in refused.value.unmet]
    # not filed, no contacts' opinion, and too early: all three named at once
    assert kinds == ["step", "step", "after_months"]
    assert len(refused.value.messages) == 3 and all("细则" in m for m in refused.value.messages)


def test_the_training_class_counts_from_the_ledger(org, db, clock):
    person = person_up_to(org.branch_a, "political_review")
    with pytest.raises(StepRefused) as refused:
        record_step(org.admin_a, person, "training_class", date(2024, 11, 20))
    assert [u.kind for u in refused.value.unmet] == ["training"]
    assert "0天、0学时" in refused.value.messages[0]
    # Two days are not enough (16 学时 at 8 a day) …
    ledger_training(org.committee_admin, person, date(2024, 11, 4), 2)
    assert unmet_requirements(person, "training_class", date(2024, 11, 20)) == [
        "学时台账中2024-09-20以来的集中培训：2天、16学时；须不少于3天或24学时。（依据：《中国共产党发展党员工作细则》第三章）"]
    # … a third day makes three days (and 24 学时).
    ledger_training(org.committee_admin, person, date(2024, 11, 11), 1)
    assert unmet_requirements(person, "training_class", date(2024, 11, 20)) == []
    # A training class before the person became a development target does not count.
    other = person_up_to(org.branch_a, "political_review", login_id="dev2")
    ledger_training(org.committee_admin, other, date(2024, 9, 1), 3)
    assert unmet_requirements(other, "training_class", date(2024, 11, 20))


def test_introducers_are_two_full_members_other_than_the_person(org, db):
    person = person_up_to(org.branch_a, "target_filed")
    member = factories.make_user(org.branch_a, Stage.full_member, login_id="m1")
    activist = factories.make_user(org.branch_a, Stage.activist, login_id="a1")
    day = path_date("introducers_assigned")
    bad = unmet_requirements(person, "introducers_assigned", day, data={"introducer_ids": [member.id, activist.id]})
    assert len(bad) == 1 and activist.name in bad[0]
    self_named = unmet_requirements(person, "introducers_assigned", day, data={"introducer_ids": [member.id, person.id]})
    assert len(self_named) == 1
    one = unmet_requirements(person, "introducers_assigned", day, data={"introducer_ids": [member.id]})
    assert len(one) == 1
    assert unmet_requirements(person, "introducers_assigned", day,
                              data={"introducer_ids": [member.id, org.contact_a.id]}) == []


def test_the_political_review_must_be_qualified_before_the_branch_committee_review(org, db):
    person = person_up_to(org.branch_a, "training_class", skip=("political_review",))
    day = path_date("branch_committee_review")
    assert any("political review" in m.lower() or "政治审查" in m or "政审" in m
               for m in unmet_requirements(person, "branch_committee_review", day))
    record_history(SYSTEM, person, "political_review", date(2024, 11, 1), data={"conclusion": "unqualified"}, source="site")
    assert len(unmet_requirements(person, "branch_committee_review", day)) == 1
    record_history(SYSTEM, person, "political_review", date(2024, 11, 25), data={"conclusion": "qualified"}, source="site")
    assert unmet_requirements(person, "branch_committee_review", day) == []


@pytest.mark.parametrize(("votes", "fails"), [
    ({**VOTE, "votes_for": 6}, 0),                                              # 6 of 10: more than half
    ({**VOTE, "votes_for": 5, "votes_against": 4}, 1),                          # 5 of 10: exactly half is not enough
    ({**VOTE, "members_present": 5, "votes_for": 5, "votes_against": 0}, 2),    # no quorum, and 5 of 10
])
def test_the_branch_meeting_needs_more_than_half_of_the_members_entitled(org, db, votes, fails):
    person = person_up_to(org.branch_a, "application_form")
    assert len(unmet_requirements(person, "branch_meeting_admission", path_date("branch_meeting_admission"),
                                  data=votes)) == fails


def test_vote_figures_must_add_up(org, db):
    person = person_up_to(org.branch_a, "application_form")
    with pytest.raises(DomainError) as wrong:
        record_step(org.admin_a, person, "branch_meeting_admission", path_date("branch_meeting_admission"),
                    data={**VOTE, "members_present": 11})
    assert not isinstance(wrong.value, StepRefused) and wrong.value.reasons[0][0] == "data.members_present"
    with pytest.raises(DomainError) as missing:
        record_step(org.admin_a, person, "branch_meeting_admission", path_date("branch_meeting_admission"), data={})
    assert len(missing.value.reasons) == 5


def test_probation_lasts_twelve_months_from_the_branch_meeting(org, db):
    person = person_up_to(org.branch_a, "full_membership_application")  # meeting 2025-01-10
    assert any("2026-01-10" in m for m in unmet_requirements(person, "branch_meeting_full", date(2026, 1, 9), data=VOTE))
    assert unmet_requirements(person, "branch_meeting_full", date(2026, 1, 10), data=VOTE) == []


def test_an_extension_is_six_to_twelve_months_and_once_only(org, db, clock):
    person = person_up_to(org.branch_a, "oath")
    day = date(2026, 1, 15)
    assert len(unmet_requirements(person, "probation_extended", day, data={"months": 3})) == 1
    assert len(unmet_requirements(person, "probation_extended", day, data={"months": 13})) == 1
    assert unmet_requirements(person, "probation_extended", day, data={"months": 6}) == []
    record_step(org.committee_admin, person, "probation_extended", day, data={"months": 6})
    assert person.stage == Stage.probationary_member
    again = unmet_requirements(person, "probation_extended", date(2026, 6, 1), data={"months": 6})
    assert any("2026-01-15" in m for m in again)
    # The extension moves the end of probation: 2025-01-10 + 12 + 6 months.
    assert any("2026-07-10" in m for m in unmet_requirements(person, "branch_meeting_full", date(2026, 6, 1), data=VOTE))


def test_late_committee_approval_is_refused_unless_an_exception(org, db, clock):
    person = person_up_to(org.branch_a, "committee_talk")  # meeting 2025-01-10: approval due by 2025-04-10
    step = record_step(org.admin_a, person, "committee_approval_admission", date(2025, 3, 1))
    assert step.status == "submitted" and person.stage == Stage.development_target
    with pytest.raises(StepRefused) as late:
        services.decide_step(org.committee_admin, step, accept=True, reason=None, decided_on=date(2025, 4, 11))
    assert "2025-04-10" in late.value.messages[0]
    services.decide_step(org.committee_admin, step, accept=True, reason=None, decided_on=date(2025, 4, 10))
    assert step.status == "accepted" and step.done_on == date(2025, 4, 10)
    assert person.stage == Stage.probationary_member


def test_the_applicant_is_at_least_eighteen_when_the_birth_date_is_known(org, db):
    person = factories.make_user(org.branch_a, Stage.applicant, login_id="young")
    person.birth_date = date(2008, 6, 2)
    refused = unmet_requirements(person, "application", date(2026, 6, 1))
    assert len(refused) == 1 and "2008-06-02" in refused[0] and "《中国共产党章程》第一章第一条" in refused[0]
    assert unmet_requirements(person, "application", date(2026, 6, 2)) == []  # the eighteenth birthday
    person.birth_date = None  # not known (no 出生年月 in the register): nothing to refuse on
    assert unmet_requirements(person, "application", date(2026, 6, 1)) == []
