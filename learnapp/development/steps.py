"""The procedure's fixed shape: the 25 step codes in order and the stage each one leads to.

The codes are the contract between the development helpers and the register (see
DEV-CONTRACT.md); the rules file describes each code but cannot add, drop or reorder them.
"""

from __future__ import annotations

from learnapp.accounts.models import Stage

STEP_CODES = (
    "application", "application_talk",
    "activist_recommended", "activist_determined", "activist_filed", "contacts_assigned", "activist_examined",
    "target_contact_opinion", "target_determined", "target_filed", "introducers_assigned", "political_review",
    "training_class",
    "branch_committee_review", "committee_prereview", "application_form", "branch_meeting_admission",
    "committee_talk", "committee_approval_admission", "higher_filing",
    "placed_in_group", "oath", "probation_examined", "full_membership_application", "branch_meeting_full",
    "committee_approval_full", "probation_extended", "probation_cancelled", "archived",
)
ORDER = {code: i for i, code in enumerate(STEP_CODES)}

# The stage a person is at after the step (derived; users.stage is written from it). None: back
# to no stage (users.stage then holds `applicant`, the lowest value the column has).
NO_STAGE = "none"
SETS_STAGE: dict[str, Stage | str] = {
    "application": Stage.applicant,
    "activist_determined": Stage.activist,
    "target_determined": Stage.development_target,
    "committee_approval_admission": Stage.probationary_member,
    "committee_approval_full": Stage.full_member,
    "probation_cancelled": NO_STAGE,
}

# The step that stands for "this person is at stage X" in history without details (a new person
# with a stage, a roster row, the old stage_changes rows).
STEP_FOR_STAGE = {
    Stage.applicant: "application",
    Stage.activist: "activist_determined",
    Stage.development_target: "target_determined",
    Stage.probationary_member: "committee_approval_admission",
    Stage.full_member: "committee_approval_full",
}

RECORDERS = ("person", "contact", "branch_admin", "committee_admin")
VOTE_FIELDS = ("votes_for", "votes_against", "abstentions", "members_present", "members_entitled")
