"""Writes of the assessments domain: manual assessments, audited. Services flush; views commit."""

from __future__ import annotations

from flask_babel import gettext as _

from learnapp import audit, clock
from learnapp.accounts.models import User
from learnapp.assessments.models import QUARTERS, Assessment, AssessorRole, Grade, Period
from learnapp.assessments.queries import is_closed
from learnapp.db import db
from learnapp.errors import DomainError
from learnapp.security import can_manage_user, is_contact_of, is_system

MAX_COMMENT = 2000


class NotAllowed(Exception):
    """The actor may not assess this person (the view answers 403 or 404)."""


def assessor_role(actor, user: User) -> AssessorRole | None:
    """As what the actor may assess the person: the branch (an admin of their subtree), their
    training contact, or not at all. Nobody assesses themselves."""
    if is_system(actor) or actor.id == user.id:
        return None
    if can_manage_user(actor, user):
        return AssessorRole.branch
    if is_contact_of(actor, user):
        return AssessorRole.contact
    return None


def periods_for(role: AssessorRole) -> list[Period]:
    """Contacts assess each quarter; the branch may assess any period (half-years, the year, quarters)."""
    return list(QUARTERS) if role == AssessorRole.contact else list(Period)


def can_change(actor, assessment: Assessment) -> bool:
    """The assessor themselves, or an administrator of the person's branch."""
    if is_system(actor):
        return False
    if can_manage_user(actor, assessment.user):
        return True
    # A contact keeps editing their own assessments only while they are still the person's contact.
    return actor.id == assessment.assessor_id and assessor_role(actor, assessment.user) is not None


def _check(year: int, period: Period, grade: Grade, comment: str) -> str:
    today = clock.today()
    reasons = []
    if year > today.year or period.bounds(year)[0] > today:
        reasons.append(("period", _("This period has not started yet.")))
    if is_closed(year):
        reasons.append(("period", _("The training year %(year)d is closed.", year=year)))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        reasons.append(("comment", _("At most %(n)d characters.", n=MAX_COMMENT)))
    if grade in (Grade.basically_competent, Grade.not_competent) and not comment:
        # A weak grade without a reason helps nobody improve and cannot be audited.
        reasons.append(("comment", _("Say why: a comment is required for this grade.")))
    if reasons:
        raise DomainError(reasons)
    return comment


def record_assessment(actor, user: User, *, year: int, period: Period | str, grade: Grade | str,
                      comment: str = "") -> Assessment:
    """Record the actor's assessment of the person for a period (audited)."""
    role = assessor_role(actor, user)
    if role is None:
        raise NotAllowed()
    period, grade = Period(period), Grade(grade)
    if period not in periods_for(role):
        raise DomainError(_("A training contact assesses quarters; half-years and the year are the branch's."), "period")
    comment = _check(year, period, grade, comment)
    exists = db.session.scalar(db.select(Assessment.id).where(
        Assessment.user_id == user.id, Assessment.year == year, Assessment.period == period,
        Assessment.assessor_id == actor.id))
    if exists:
        raise DomainError(_("You have already assessed this period; edit that assessment instead."), "period")
    assessment = Assessment(user_id=user.id, year=year, period=period, assessor_id=actor.id, assessor_role=role,
                            grade=grade, comment=comment, stage_at=user.stage.value)
    db.session.add(assessment)
    db.session.flush()
    audit.record(actor, "assessment.create", assessment, branch=user.branch,
                 summary=f"{user.name} · {year} {period.value} · {grade.chinese}", after=assessment.snapshot())
    return assessment


def update_assessment(actor, assessment: Assessment, *, grade: Grade | str, comment: str = "") -> Assessment:
    """Change the grade or comment (audited with before and after)."""
    if not can_change(actor, assessment):
        raise NotAllowed()
    grade = Grade(grade)
    comment = _check(assessment.year, assessment.period, grade, comment)
    before = assessment.snapshot()
    if before["grade"] == grade.value and before["comment"] == comment:
        return assessment
    assessment.grade = grade
    assessment.comment = comment
    assessment.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, "assessment.update", assessment, branch=assessment.user.branch,
                 summary=f"{assessment.user.name} · {assessment.year} {assessment.period.value} · {grade.chinese}",
                 before=before, after=assessment.snapshot())
    return assessment


def delete_assessment(actor, assessment: Assessment, *, reason: str) -> None:
    """Remove an assessment entered by mistake; the audit log keeps what it said and why it went."""
    if not can_change(actor, assessment):
        raise NotAllowed()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for deleting."), "reason")
    if is_closed(assessment.year):
        raise DomainError(_("The training year %(year)d is closed.", year=assessment.year), "reason")
    before = assessment.snapshot()
    user = assessment.user
    audit.record(actor, "assessment.delete", assessment, branch=user.branch,
                 summary=f"{user.name} · {assessment.year} {assessment.period.value}", before=before, reason=reason[:500])
    db.session.delete(assessment)
    db.session.flush()
