"""Who may do what with a person's talks, thought reports and political review (object checks).

Talks and reports belong to the cultivation: the person's active training contact and the admins of
the person's branch subtree record and review them, auditors read them. The political review (政审)
is narrower: the subtree's admins (committee admins included) keep it, auditors read it, and
nobody else, not the contact and not the person, learns that it exists.
"""

from __future__ import annotations

from learnapp.accounts.models import Stage, User
from learnapp.security import can_manage_user, can_view_branch, is_auditor, is_contact_of

# Who hands in a thought report every quarter (细则 第十三条, 第二十九条 ask it of activists,
# development targets and probationary members alike).
REPORTING_STAGES = (Stage.activist, Stage.development_target, Stage.probationary_member)


def _signed_in(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.active


def can_record_talk(actor, person: User) -> bool:
    """The person's active training contact or an admin of the person's branch subtree; never oneself."""
    if not _signed_in(actor) or actor.id == person.id:
        return False
    return can_manage_user(actor, person) or is_contact_of(actor, person)


def can_read_talk_notes(actor, person: User) -> bool:
    """Topics, summary and follow-up: the contact, the subtree's admins, auditors (not the person)."""
    if not _signed_in(actor) or actor.id == person.id:
        return False
    return can_view_branch(actor, person.branch) or is_contact_of(actor, person)


def can_review_report(actor, person: User) -> bool:
    """Mark a thought report read with a comment: the contact or an admin of the subtree."""
    return can_record_talk(actor, person)


def must_report(person: User) -> bool:
    return person.stage in REPORTING_STAGES


def can_edit_review(actor, person: User) -> bool:
    """The political review is kept by the admins of the person's subtree (committee admins included)."""
    return _signed_in(actor) and actor.id != person.id and can_manage_user(actor, person)


def can_read_review(actor, person: User) -> bool:
    """Its keepers, and auditors (read only, every read audited). Not contacts, not the person."""
    if not _signed_in(actor) or actor.id == person.id:
        return False
    return can_manage_user(actor, person) or (is_auditor(actor) and can_view_branch(actor, person.branch))
