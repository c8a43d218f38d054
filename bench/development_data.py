"""Development files and plans for the benchmark data set (the reports of issue 17 read them).

Everyone in a stage (applicant, activist, development target, probationary member) gets a file
whose steps lead to that stage, dated as the development rules allow; a share of the full
members has the whole file (admitted in the last two years), the rest are long-standing members
without one. The anchor of each file (the step that put the person in their stage) is drawn so
that the year holds admissions, probations ending and files in every phase. A few files break a
rule on purpose (a missing talk, a late approval), as real ones do; the training class is checked
against the ledger, which only sometimes holds one. Each leaf branch has an approved plan; most
thought reports are handed in and most contacts assess their people each quarter.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta

from bench.dataset import Plan, noon_utc

# (code, days after the application): a file that keeps every interval of the rules.
TIMELINE = [
    ("application", 0), ("application_talk", 19), ("activist_recommended", 184), ("activist_determined", 193),
    ("activist_filed", 203), ("contacts_assigned", 203), ("activist_examined", 375),
    ("target_contact_opinion", 550), ("target_determined", 569), ("target_filed", 580),
    ("introducers_assigned", 587), ("political_review", 610), ("training_class", 629),
    ("branch_committee_review", 640), ("committee_prereview", 649), ("application_form", 654),
    ("branch_meeting_admission", 680), ("committee_talk", 690), ("committee_approval_admission", 702),
    ("higher_filing", 711), ("placed_in_group", 711), ("oath", 730), ("probation_examined", 861),
    ("full_membership_application", 1024), ("branch_meeting_full", 1047), ("committee_approval_full", 1067),
]
OFFSET = dict(TIMELINE)
POSITION = {code: i for i, (code, _days) in enumerate(TIMELINE)}
# stage -> (the step that put the person there, how many days back it may lie)
ANCHORS = {
    "applicant": ("application", 180),
    "activist": ("activist_determined", 700),
    "development_target": ("target_determined", 330),
    "probationary_member": ("committee_approval_admission", 360),
    "full_member": ("committee_approval_full", 700),
}
NEXT_ANCHOR = {"applicant": "activist_determined", "activist": "target_determined",
               "development_target": "committee_approval_admission", "probationary_member": "committee_approval_full",
               "full_member": None}
DECIDED = {"activist_filed", "target_filed", "committee_prereview", "committee_approval_admission",
           "committee_approval_full"}
FULL_MEMBERS_WITH_FILE = 0.15
VOTE_FIELDS = ("votes_for", "votes_against", "abstentions", "members_present", "members_entitled")

STEP_COLUMNS = ["id", "user_id", "code", "done_on", "note", "data", "status", "source", "exception_reason",
                "exception_unmet", "recorded_by_id", "recorded_at", "decided_by_id", "decided_at", "decision_note",
                "rules_version"]
PLAN_COLUMNS = ["id", "branch_id", "year", "version", "status", "planned", "targets", "note", "created_by_id",
                "created_at", "decided_by_id", "decided_at", "decision_note"]


def _members_by_branch(plan: Plan) -> dict[int, list[int]]:
    members: dict[int, list[int]] = {}
    for i, stage in enumerate(plan.user_stage):
        if stage == "full_member":
            members.setdefault(plan.user_branch[i], []).append(plan.first_person_id + i)
    return members


def _vote(rng: random.Random) -> dict:
    entitled = rng.randrange(8, 40)
    present = entitled - rng.randrange(0, entitled // 4 + 1)
    against = rng.randrange(0, 2)
    return dict(zip(VOTE_FIELDS, (present - against, against, 0, present, entitled), strict=True))


def _data(code: str, rng: random.Random, pool: list[int], person: int) -> dict:
    others = [m for m in pool if m != person] or pool
    if code == "activist_recommended":
        return {"method": rng.choice(("party_member", "mass_organisation"))}
    if code == "contacts_assigned":
        return {"contact_ids": [others[person % len(others)]]} if others else {}
    if code == "introducers_assigned" and len(others) >= 2:
        first = person % len(others)
        return {"introducer_ids": [others[first], others[(first + 1) % len(others)]]}
    if code == "political_review":
        return {"conclusion": "qualified"}
    if code in ("branch_meeting_admission", "branch_meeting_full"):
        return _vote(rng)
    return {}


def steps_of(stage: str, today: date, rng: random.Random) -> list[tuple[str, date]]:
    """(code, date) of one person's file for their stage, none after today."""
    anchor, back = ANCHORS[stage]
    anchor_on = today - timedelta(days=rng.randrange(back + 1))
    start = anchor_on - timedelta(days=OFFSET[anchor])
    stop = NEXT_ANCHOR[stage]
    last = POSITION[stop] - 1 if stop else len(TIMELINE) - 1
    steps = [(code, start + timedelta(days=days)) for code, days in TIMELINE[:last + 1]
             if start + timedelta(days=days) <= today]
    if stage == "applicant" and rng.random() < 0.1:
        steps = [s for s in steps if s[0] != "application_talk"]  # a talk never held: a finding
    if stage == "probationary_member" and rng.random() < 0.05:
        # The committee approved late, past the three months after the branch meeting: the file
        # up to the meeting 100 days earlier, the talk and the approval where they were.
        meeting = POSITION["branch_meeting_admission"]
        steps = [(c, d - timedelta(days=100) if POSITION[c] <= meeting else d) for c, d in steps]
    return steps


def development_steps(plan: Plan, rng: random.Random) -> Iterator[tuple]:
    """Rows of development_steps for everyone in a stage (and the recently admitted full members)."""
    members = _members_by_branch(plan)
    admin = plan.admin_ids["committee_admin"]
    n = 0
    for i, stage in enumerate(plan.user_stage):
        if stage == "full_member" and rng.random() >= FULL_MEMBERS_WITH_FILE:
            continue
        person = plan.first_person_id + i
        pool = members.get(plan.user_branch[i], [])
        for code, day in steps_of(stage, plan.today, rng):
            n += 1
            at = noon_utc(day)
            decided = code in DECIDED
            yield (n, person, code, day, None, json.dumps(_data(code, rng, pool, person)),
                   "accepted" if decided else "recorded", "site", None, None, admin, at,
                   admin if decided else None, at if decided else None, None, 1)


def development_plans(plan: Plan, rng: random.Random) -> Iterator[tuple]:
    """An approved plan for the year per leaf branch: about as many as its development targets."""
    targets: dict[int, int] = {}
    for i, stage in enumerate(plan.user_stage):
        if stage == "development_target":
            targets[plan.user_branch[i]] = targets.get(plan.user_branch[i], 0) + 1
    at = noon_utc(date(plan.year, 1, 15))
    admin = plan.admin_ids["committee_admin"]
    for n, bid in enumerate(plan.branch_ids, 1):
        planned = max(1, targets.get(bid, 0) + rng.randrange(-1, 2))
        goals = {"women": planned // 3, "under_35": planned // 2}
        yield (n, bid, plan.year, 1, "approved", planned, json.dumps(goals), None, admin, at, admin, at, None)


# --- contact work: the quarterly thought reports and the contacts' assessments -----------------

REPORTING = ("activist", "development_target", "probationary_member")
HANDED_IN = 0.92  # the rest are missing: findings of the compliance report, as in real branches
ASSESSED = 0.9
QUARTERS_BACK = 6
REPORT_COLUMNS = ["id", "user_id", "year", "quarter", "status", "title", "body", "submitted_at", "late", "comment",
                  "created_at"]
ASSESSMENT_COLUMNS = ["id", "user_id", "year", "period", "assessor_id", "assessor_role", "grade", "comment", "stage_at",
                      "created_at"]


def ended_quarters(today: date, n: int = QUARTERS_BACK) -> list[tuple[int, int, date]]:
    """(year, quarter, its last day) of the n quarters ended before today's quarter."""
    y, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _i in range(n):
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
        last = date(y + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - timedelta(days=1)
        out.append((y, q, last))
    return out


def thought_reports(plan: Plan, rng: random.Random) -> Iterator[tuple]:
    n = 0
    for i, stage in enumerate(plan.user_stage):
        if stage not in REPORTING:
            continue
        for year, quarter, last in ended_quarters(plan.today):
            if rng.random() >= HANDED_IN:
                continue
            n += 1
            at = noon_utc(last - timedelta(days=rng.randrange(20)))
            yield (n, plan.first_person_id + i, year, quarter, "submitted", f"{year}年第{quarter}季度思想汇报",
                   "认真学习党章，端正入党动机。", at, False, "", at)


def contact_assessments(plan: Plan, rng: random.Random, contacts: list[tuple]) -> Iterator[tuple]:
    """A quarterly assessment by each person's contact (rows of dataset.contacts) for most quarters."""
    n = 0
    for _id, contact_id, learner_id, _active, _created in contacts:
        stage = plan.user_stage[learner_id - plan.first_person_id]
        for year, quarter, last in ended_quarters(plan.today):
            if rng.random() >= ASSESSED:
                continue
            n += 1
            grade = rng.choice(("excellent", "competent", "competent", "basically_competent"))
            yield (n, learner_id, year, f"q{quarter}", contact_id, "contact", grade, "", stage,
                   noon_utc(min(plan.today, last + timedelta(days=rng.randrange(1, 15)))))
