"""Claims of offline study done elsewhere: submit with evidence, withdraw, approve or reject.

Only an approved claim credits. Approving locks the claim row (SELECT … FOR UPDATE) and grants
with a dedupe key per claim and year, so two admins (or a double click) approving at once grant once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from learnapp import audit, clock
from learnapp.accounts.models import User
from learnapp.db import db, loaded_rows
from learnapp.errors import DomainError
from learnapp.ledger import evidence as evidence_files
from learnapp.ledger.models import OFFLINE_CATEGORIES, Category
from learnapp.ledger.offline_credit import compute_credit
from learnapp.ledger.offline_models import (
    Activity,
    Attendance,
    Claim,
    ClaimEvent,
    ClaimStatus,
    Evidence,
)
from learnapp.ledger.schedule import Schedule
from learnapp.ledger.services import ensure_year_open, grant
from learnapp.notices import services as notices
from learnapp.security import can_manage_user, managed_users

LIVE = (ClaimStatus.pending, ClaimStatus.approved)


def _event(claim: Claim, action: str, actor, note: str | None = None) -> None:
    db.session.add(ClaimEvent(claim=claim, action=action, actor_id=getattr(actor, "id", None), note=note,
                              at=clock.now()))


def _check_fields(category, title: str, description: str) -> tuple[Category, str, str]:
    reasons = []
    try:
        category = Category(category)
        if category not in OFFLINE_CATEGORIES:
            raise ValueError
    except ValueError:
        reasons.append(("category", _("Choose the kind of study.")))
    title = (title or "").strip()
    if not title or len(title) > 200:
        reasons.append(("title", _("Enter a title of at most 200 characters.")))
    description = (description or "").strip()
    if len(description) > 5000:
        reasons.append(("description", _("At most 5000 characters.")))
    if reasons:
        raise DomainError(reasons)
    return category, title, description


def submit_claim(user, *, category, title: str, schedule: Schedule, description: str = "",
                 place: str | None = None, files=()) -> Claim:
    """A learner claims offline study with evidence. Pending until a branch admin decides."""
    category, title, description = _check_fields(category, title, description)
    if schedule.end_date > clock.today():
        raise DomainError(_("Claims are for study already done: the date is in the future."), "start_date")
    for year in sorted(schedule.minutes_by_year()):
        ensure_year_open(year, "start_date")
    checked = evidence_files.check(list(files))
    if not checked:
        raise DomainError(_("Attach at least one photo or PDF as evidence."), "evidence")
    claim = Claim(user_id=user.id, category=category, title=title, description=description,
                  place=(place or "").strip()[:200] or None, start_date=schedule.start_date, end_date=schedule.end_date,
                  start_time=schedule.start_time, end_time=schedule.end_time, status=ClaimStatus.pending,
                  created_at=clock.now())
    db.session.add(claim)
    stored = []
    try:
        for item in checked:
            name = evidence_files.store(item)
            stored.append(name)
            db.session.add(Evidence(claim=claim, stored_name=name, original_name=item.original_name,
                                    content_type=item.content_type, size_bytes=len(item.data), sha256=item.sha256,
                                    created_at=clock.now()))
        _event(claim, "submitted", user)
        db.session.flush()
    except Exception:
        evidence_files.remove(stored)
        raise
    return claim


def withdraw_claim(user, claim: Claim) -> None:
    """The learner takes back a pending claim; it stays in the history as withdrawn."""
    claim = _locked(claim.id)
    if claim.user_id != user.id:
        raise DomainError(_("Only the person who made a claim can withdraw it."))
    if claim.status != ClaimStatus.pending:
        raise DomainError(_("Only a pending claim can be withdrawn."))
    claim.status = ClaimStatus.withdrawn
    _event(claim, "withdrawn", user)
    db.session.flush()


def _locked(claim_id: int) -> Claim:
    # FOR UPDATE: a second approver waits here, then sees the claim already decided.
    claim = db.session.execute(select(Claim).where(Claim.id == claim_id).with_for_update()
                               .execution_options(populate_existing=True)).scalar_one_or_none()
    if claim is None:
        raise DomainError(_("The claim does not exist."))
    return claim


def _decidable(actor, claim: Claim) -> None:
    if not can_manage_user(actor, claim.user):
        raise DomainError(_("You may not decide claims of this person."))
    if actor.id == claim.user_id:
        raise DomainError(_("You cannot decide your own claim; another administrator must."))


class AlreadyDecided(DomainError):
    """The claim was decided meanwhile (by a colleague, or by the first of two clicks)."""


def expected_credit(claim: Claim) -> int:
    return sum(p.credit for p in compute_credit(claim.category, claim.schedule))


def approve_claim(actor, claim_id: int, note: str | None = None) -> Claim:
    """Approve a pending claim and credit it by the rules of its year(s). Grants once, even when raced."""
    claim = _locked(claim_id)
    _decidable(actor, claim)
    if claim.status != ClaimStatus.pending:
        raise AlreadyDecided(_("This claim was already %(status)s.", status=claim.status.label))
    total = 0
    for portion in compute_credit(claim.category, claim.schedule):
        entry = grant(actor, claim.user, category=claim.category, credit_hundredths=portion.credit,
                      occurred_on=portion.first_day, source_type="claim", source_id=claim.id,
                      minutes=portion.minutes, reason=(note or None), dedupe_key=f"claim:{claim.id}:y{portion.year}")
        total += entry.credit_hundredths if entry is not None else 0
    claim.status = ClaimStatus.approved
    claim.decided_by_id = actor.id
    claim.decided_at = clock.now()
    claim.decision_reason = (note or "").strip() or None
    claim.credited_hundredths = total
    _event(claim, "approved", actor, claim.decision_reason)
    db.session.flush()
    notices.notify(claim.user, "claim_approved", {"claim_id": claim.id, "title": claim.title, "credit": total},
                   sender=actor)
    audit.record(actor, "claim.approve", claim, branch=claim.user.branch,
                 summary=f"{claim.user.name}: {claim.title} ({total / 100:g})",
                 before={"status": "pending"}, after={"status": "approved", "credit_hundredths": total})
    return claim


def reject_claim(actor, claim_id: int, reason: str) -> Claim:
    """Reject a pending claim; the reason is shown to the learner."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for rejecting the claim."), "reason")
    claim = _locked(claim_id)
    _decidable(actor, claim)
    if claim.status != ClaimStatus.pending:
        raise AlreadyDecided(_("This claim was already %(status)s.", status=claim.status.label))
    claim.status = ClaimStatus.rejected
    claim.decided_by_id = actor.id
    claim.decided_at = clock.now()
    claim.decision_reason = reason
    _event(claim, "rejected", actor, reason)
    db.session.flush()
    notices.notify(claim.user, "claim_rejected", {"claim_id": claim.id, "title": claim.title, "reason": reason},
                   sender=actor)
    audit.record(actor, "claim.reject", claim, branch=claim.user.branch, summary=f"{claim.user.name}: {claim.title}",
                 before={"status": "pending"}, after={"status": "rejected", "reason": reason})
    return claim


@dataclass
class BulkResult:
    approved: list[Claim]
    skipped: list[tuple[int, str]]


def bulk_approve(actor, claim_ids: list[int]) -> BulkResult:
    """Approve several claims; those decided meanwhile are skipped, any other error stops them all."""
    result = BulkResult([], [])
    # Grouped by person (then claim): each approval's grant row-locks the person's ledger_year_totals
    # row on PostgreSQL, and two bulk approvals locking the same people in different orders could deadlock.
    owners = dict(db.session.execute(select(Claim.id, Claim.user_id).where(Claim.id.in_(set(claim_ids)))).all())
    for claim_id in sorted(set(claim_ids), key=lambda cid: (owners.get(cid, 0), cid)):
        try:
            with db.session.begin_nested():
                result.approved.append(approve_claim(actor, claim_id))
        except AlreadyDecided as exc:
            result.skipped.append((claim_id, exc.messages[0]))
    return result


def overlaps(claim: Claim) -> list[object]:
    """The person's other live claims and attended activities at a common time (shown as a flag)."""
    schedule = claim.schedule
    found: list[object] = []
    others = db.session.scalars(
        select(Claim).where(Claim.user_id == claim.user_id, Claim.id != claim.id, Claim.status.in_(LIVE),
                            Claim.start_date <= claim.end_date, Claim.end_date >= claim.start_date)
    )
    found.extend(c for c in others if c.schedule.overlaps(schedule))
    activities = db.session.scalars(
        select(Activity).join(Attendance, Attendance.activity_id == Activity.id)
        .where(Attendance.user_id == claim.user_id, Attendance.present,
               Activity.start_date <= claim.end_date, Activity.end_date >= claim.start_date)
    )
    found.extend(a for a in activities if a.schedule.overlaps(schedule))
    return found


def claims_to_decide(actor, branch_id: int | None, limit: int) -> tuple[list[Claim], int]:
    """The first `limit` pending claims of the people the actor administers (never the actor's own),
    oldest first, of one branch when `branch_id` is given; and how many there are in all."""
    stmt = (select(Claim).join(User, User.id == Claim.user_id)
            .where(Claim.status == ClaimStatus.pending, managed_users(actor), Claim.user_id != actor.id)
            .order_by(Claim.created_at, Claim.id))
    if branch_id:
        stmt = stmt.where(User.branch_id == branch_id)
    pending = list(db.session.scalars(stmt.limit(limit)))
    return pending, db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


# The person's claims, pending first (table columns and loaded_rows: the ledger page is the most
# visited learner page). Built once.
_CLAIMS = Claim.__table__
_CLAIMS_OF_PERSON = (select(*_CLAIMS.c).where(_CLAIMS.c.user_id == bindparam("user_id"))
                     .order_by(_CLAIMS.c.status != ClaimStatus.pending, _CLAIMS.c.start_date.desc()).limit(200))


def claims_of_person(user_id: int) -> list[Claim]:
    """A person's latest 200 claims, the pending ones first (the caller may see the person)."""
    return loaded_rows(_CLAIMS_OF_PERSON, {"user_id": user_id}, Claim)
