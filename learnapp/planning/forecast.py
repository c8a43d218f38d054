"""Who is on course to be admitted as a probationary member this year.

The development targets of a subtree (target_determined done, not yet admitted), each with the
earliest day the procedure lets them be admitted: the latest of the `earliest` dates of their next
steps before the committee's approval (from the timeline, every file read at once), or today when none holds them back. On
course: that day falls within the year, or the approval already waits for the committee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from learnapp.accounts.models import Stage, User
from learnapp.development.readahead import Files
from learnapp.development.steps import ORDER
from learnapp.development.timeline import NextStep, timeline
from learnapp.org.models import Branch
from learnapp.security import branch_ids_under

ADMISSION = "committee_approval_admission"


@dataclass
class Candidate:
    person: User
    earliest: date  # the earliest day of admission the rules allow
    pending: bool  # the admission is submitted and waits for the committee
    next: list[NextStep]  # the next steps on the way to admission
    on_course: bool


def candidates(branch: Branch, year: int, today: date) -> list[Candidate]:
    """The development targets of the branch's subtree, on course first, by earliest day."""
    # Every candidate's file and training class read at once: a fixed number of statements.
    files = Files(User.active, User.stage == Stage.development_target, User.branch_id.in_(branch_ids_under([branch.path])))
    found = []
    for person in files.people:
        line = timeline(person, today, steps=files.steps.get(person.id, []), training=files.training)
        if not any(s.code == "target_determined" for s in line.done):
            continue
        pending = any(s.code == ADMISSION for s in line.pending)
        ahead = [s for s in line.next if ORDER[s.code] <= ORDER[ADMISSION]]
        earliest = max([today] + [s.earliest for s in ahead if s.earliest])
        found.append(Candidate(person, earliest, pending, ahead,
                               on_course=pending or date(year, 1, 1) <= earliest <= date(year, 12, 31)))
    found.sort(key=lambda c: (not c.on_course, c.earliest, c.person.name, c.person.id))
    return found
