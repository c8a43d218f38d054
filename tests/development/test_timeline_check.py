"""The timeline's next steps and dates; the check's findings and its exit code."""

from __future__ import annotations

from datetime import date

from learnapp.development import check
from learnapp.development.history import record_history
from learnapp.development.services import record_step
from learnapp.development.timeline import timeline
from learnapp.security import SYSTEM
from tests.helpers.development import VOTE, ledger_training, person_up_to


def _next(person, today):
    return {n.code: n for n in timeline(person, today).next}


def test_a_new_applicant_is_due_a_talk_within_a_month(org, db, clock):
    person = person_up_to(org.branch_a, None)
    assert [n.code for n in timeline(person, date(2026, 6, 15)).next] == ["application"]
    record_step(person, person, "application", date(2026, 5, 10))
    upcoming = _next(person, date(2026, 6, 15))
    assert upcoming["application_talk"].due_by == date(2026, 6, 10) and upcoming["application_talk"].overdue
    assert upcoming["application_talk"].unmet  # already late: the message says by when it was due
    assert "activist_determined" not in upcoming  # needs the talk and the recommendation first


def test_an_activist_sees_when_they_may_become_a_development_target_and_what_is_missing(org, db, clock):
    person = person_up_to(org.branch_a, "activist_determined")  # 2023-09-10
    upcoming = _next(person, date(2024, 1, 15))
    assert {"activist_filed", "contacts_assigned", "activist_examined"} <= set(upcoming)
    assert upcoming["activist_examined"].due_by == date(2024, 3, 10)
    assert "target_determined" not in upcoming
    person2 = person_up_to(org.branch_a, "target_contact_opinion", login_id="tl2", skip=("activist_filed",))
    target = _next(person2, date(2024, 6, 1))
    assert "target_determined" not in target  # not filed yet: its filing is the next step
    assert "activist_filed" in target


def test_timeline_shows_the_earliest_date_and_pending_committee_steps(org, db, clock):
    person = person_up_to(org.branch_a, "full_membership_application")
    upcoming = _next(person, date(2025, 12, 21))
    assert upcoming["branch_meeting_full"].earliest == date(2026, 1, 10)
    person2 = person_up_to(org.branch_a, "committee_talk", login_id="tl3")
    record_step(org.admin_a, person2, "committee_approval_admission", date(2025, 2, 1))
    line = timeline(person2, date(2025, 2, 2))
    assert [s.code for s in line.pending] == ["committee_approval_admission"]
    assert "committee_approval_admission" not in {n.code for n in line.next}


def test_the_check_finds_missing_talks_overdue_decisions_and_admission_without_training(app, org, db, clock):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["development", "check"]).exit_code == 0  # no files yet
    late_talk = person_up_to(org.branch_a, "application", login_id="c1")
    probation = person_up_to(org.branch_a, "oath", login_id="c2")  # meeting 2025-01-10: ended 2026-01-10
    waiting = person_up_to(org.branch_a, "committee_talk", login_id="c3")  # approval due by 2025-04-10
    untrained = person_up_to(org.branch_a, "branch_committee_review", login_id="c4", skip=("training_class",))
    for person in (probation, waiting):
        ledger_training(org.committee_admin, person)
    today = date(2026, 6, 15)
    kinds = {p.login_id: [(f.kind, f.code) for f in check.person_findings(p, today)]
             for p in (late_talk, probation, waiting, untrained)}
    assert kinds["c1"] == [("missing", "application_talk")]
    assert kinds["c2"] == [("overdue", "committee_approval_full")]
    assert kinds["c3"] == [("overdue", "committee_approval_admission")]
    assert ("missing", "training_class") in kinds["c4"] and ("rule", "branch_committee_review") in kinds["c4"]
    result = runner.invoke(args=["development", "check", "--lang", "en"])
    assert result.exit_code == 1 and "c1" in result.output and "No talk recorded" in result.output
    assert "中国共产党" in result.output  # citations stay in Chinese


def test_a_register_meeting_without_a_majority_is_reported(org, db, clock):
    person = person_up_to(org.branch_a, "application_form")
    ledger_training(org.committee_admin, person)
    record_history(SYSTEM, person, "branch_meeting_admission", date(2025, 1, 10), data={**VOTE, "votes_for": 4})
    findings = check.person_findings(person, date(2025, 2, 1))
    assert [(f.kind, f.code) for f in findings] == [("rule", "branch_meeting_admission")]


def test_a_full_member_awaits_only_the_archiving_of_a_whole_file(org, db, clock):
    whole = person_up_to(org.branch_a, "committee_approval_full", login_id="fm1")
    assert [n.code for n in timeline(whole, date(2026, 6, 15)).next] == ["archived"]
    assert timeline(org.contact_a, date(2026, 6, 15)).next == []  # entered as a full member
    assert timeline(org.contact_a, date(2026, 6, 15)).stage == whole.stage
