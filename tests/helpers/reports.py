"""Test helpers for reports and assessments: ledger lines, claims with evidence, quiz results."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time

from learnapp.db import db
from learnapp.ledger.models import Category, LedgerEntry
from learnapp.ledger.offline_models import Claim, ClaimStatus, Evidence
from learnapp.quizzes.models import Quiz, QuizKind, QuizParticipant, QuizStatus


def add_entry(user, credit: int, on: date = date(2026, 3, 10), category: Category = Category.online_reading,
              source_type: str = "adjustment", source_id: str | None = None, reason: str = "测试") -> LedgerEntry:
    """A ledger line written directly (the ledger's services are tested in tests/ledger)."""
    entry = LedgerEntry(user_id=user.id, year=on.year, occurred_on=on, category=category, credit_hundredths=credit,
                        minutes=30, source_type=source_type, source_id=source_id, reason=reason)
    db.session.add(entry)
    db.session.flush()
    return entry


def add_claim(user, *, status: ClaimStatus = ClaimStatus.approved, on: date = date(2026, 4, 2), credit: int = 400,
              decided_by=None, evidence: int = 1, ledger: bool = True) -> Claim:
    claim = Claim(user_id=user.id, category=Category.lecture, title=f"专题讲座 {user.name}", place="党校",
                  description="听取党校教授专题讲座", status=status, start_date=on, end_date=on,
                  start_time=time(9, 0), end_time=time(12, 0), credited_hundredths=credit if status == ClaimStatus.approved else None,
                  decided_by_id=getattr(decided_by, "id", None),
                  decided_at=datetime(on.year, on.month, on.day, 8, tzinfo=UTC) if status != ClaimStatus.pending else None)
    db.session.add(claim)
    db.session.flush()
    for i in range(evidence):
        data = f"{claim.id}-{i}".encode()
        db.session.add(Evidence(claim_id=claim.id, stored_name=f"ev-{claim.id}-{i}.jpg", original_name=f"照片{i + 1}.jpg",
                                content_type="image/jpeg", size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest()))
    if ledger and status == ClaimStatus.approved:
        add_entry(user, credit, on=on, category=Category.lecture, source_type="claim", source_id=str(claim.id),
                  reason=claim.title)
    db.session.flush()
    return claim


def add_quiz_result(user, quiz: Quiz | None, score_bp: int, *, year: int = 2026, branch=None, pass_bp: int = 6000) -> Quiz:
    if quiz is None:
        quiz = Quiz(title="党章知识测试", kind=QuizKind.assessment, status=QuizStatus.published,
                    branch_id=(branch or user.branch).id, pass_bp=pass_bp)
        db.session.add(quiz)
        db.session.flush()
    db.session.add(QuizParticipant(quiz_id=quiz.id, user_id=user.id, attempts_started=1, attempts_graded=1,
                                   counted_bp=score_bp, passed=score_bp >= quiz.pass_bp, year=year))
    db.session.flush()
    return quiz
