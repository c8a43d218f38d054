"""Setting, proposing and approving plans: versions, permissions, validation, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from learnapp.errors import DomainError
from learnapp.planning import services
from learnapp.planning.models import DevelopmentPlan, PlanStatus


def _actions():
    from learnapp.db import db

    return db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("planning.%"))
                              .order_by(AuditEntry.seq)).all()


def test_committee_sets_and_changes_a_plan_keeping_versions(org, db):
    first = services.set_plan(org.committee_admin, org.branch_a, 2026, 3, {"women": 1, "under_35": 2})
    assert (first.version, first.status) == (1, PlanStatus.approved)
    second = services.set_plan(org.committee_admin, org.branch_a, 2026, 4, {"women": 2}, note="增加一名")
    assert second.version == 2
    assert [v.planned for v in services.versions(org.branch_a, 2026)] == [4, 3]
    assert services.plan_in_force(org.branch_a, 2026).id == second.id
    assert services.plan_in_force(org.branch_a, 2025) is None
    assert _actions() == ["planning.set", "planning.set"]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "planning.set").order_by(AuditEntry.seq.desc())).first()
    assert entry.details["before"]["planned"] == 3 and entry.details["after"]["planned"] == 4


def test_branch_proposes_and_committee_approves(org, db):
    services.set_plan(org.committee_admin, org.branch_a, 2026, 2, {})
    proposal = services.propose_plan(org.admin_a, org.branch_a, 2026, 3, {"frontline": 1})
    assert proposal.status == PlanStatus.proposed
    # Not in force until approved: the committee's version still is.
    assert services.plan_in_force(org.branch_a, 2026).planned == 2
    assert [p.id for p in services.pending_proposals([org.branch_a.id], 2026)] == [proposal.id]
    services.approve_plan(org.committee_admin, proposal, "同意")
    assert services.plan_in_force(org.branch_a, 2026).planned == 3
    assert proposal.decided_by_id == org.committee_admin.id
    assert services.pending_proposals([org.branch_a.id], 2026) == []
    assert _actions() == ["planning.set", "planning.propose", "planning.approve"]


def test_who_may_do_what(org, db):
    with pytest.raises(DomainError):
        services.set_plan(org.admin_a, org.branch_a, 2026, 2, {})  # only the committee sets
    with pytest.raises(DomainError):
        services.propose_plan(org.admin_a, org.branch_c, 2026, 2, {})  # not their branch
    with pytest.raises(DomainError):
        services.propose_plan(org.auditor, org.branch_a, 2026, 2, {})
    proposal = services.propose_plan(org.admin_g1, org.branch_a, 2026, 2, {})  # a general branch's admin, below it
    with pytest.raises(DomainError):
        services.approve_plan(org.admin_a, proposal)
    # Nobody approves their own proposal.
    own = services.propose_plan(org.committee_admin, org.branch_b, 2026, 1, {})
    with pytest.raises(DomainError, match="yourself|自己"):
        services.approve_plan(org.committee_admin, own)
    assert db.session.scalar(select(DevelopmentPlan).where(DevelopmentPlan.status == PlanStatus.approved)) is None


def test_a_superseded_proposal_cannot_be_approved(org, db):
    old = services.propose_plan(org.admin_a, org.branch_a, 2026, 2, {})
    services.propose_plan(org.admin_a, org.branch_a, 2026, 3, {})
    with pytest.raises(DomainError):
        services.approve_plan(org.committee_admin, old)


def test_bad_numbers_name_their_field_and_save_nothing(org, db):
    with pytest.raises(DomainError) as caught:
        services.set_plan(org.committee_admin, org.branch_a, 2026, 2, {"women": 3, "nonsense": 1})
    fields = {field for field, _message in caught.value.reasons}
    assert {"target_women", "target_nonsense"} <= fields
    with pytest.raises(DomainError) as caught:
        services.set_plan(org.committee_admin, org.branch_a, 1990, -1, {})
    assert {field for field, _message in caught.value.reasons} == {"year", "planned"}
    assert db.session.scalar(select(DevelopmentPlan)) is None
