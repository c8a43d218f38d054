"""Spot-check: a reproducible random draw of approved claims, with their evidence, for an auditor."""

from __future__ import annotations

import random
import secrets
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload

from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.ledger.offline_models import Claim, ClaimStatus

MAX_SAMPLE = 50


def new_seed() -> int:
    return secrets.randbelow(1_000_000)


def draw(user_filter: ColumnElement[bool], year: int, n: int, seed: int) -> tuple[list[Claim], int]:
    """(n claims drawn from the approved claims of people in scope that started in `year`, how many
    there were). The same seed over the same claims draws the same sample, so a draw can be shown
    to someone else or checked again later."""
    ids = list(db.session.scalars(
        select(Claim.id).join(User, User.id == Claim.user_id)
        .where(Claim.status == ClaimStatus.approved, Claim.start_date >= date(year, 1, 1),
               Claim.start_date <= date(year, 12, 31), user_filter)
        .order_by(Claim.id)
    ))
    chosen = random.Random(seed).sample(ids, min(max(1, n), MAX_SAMPLE, len(ids))) if ids else []
    if not chosen:
        return [], len(ids)
    claims = {c.id: c for c in db.session.scalars(
        select(Claim).where(Claim.id.in_(chosen))
        .options(selectinload(Claim.evidence), selectinload(Claim.user).selectinload(User.branch),
                 selectinload(Claim.decided_by))
    )}
    return [claims[i] for i in chosen], len(ids)
