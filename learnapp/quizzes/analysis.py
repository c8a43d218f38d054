"""Per-quiz reports and item analysis, limited to the people the reader may see.

Statistics use exact fractions and are handed to templates as integer hundredths of a percent
(`*_bp`), like every stored grade. Item analysis follows classical test theory as used in Chinese
exam analysis: facility (难度/通过率 P) is the mean score fraction of a question; discrimination
(区分度 D) is P of the top 27 % of attempts minus P of the bottom 27 %.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, func, select

from learnapp.accounts.models import User
from learnapp.bank.models import QuestionKind, QuestionVersion
from learnapp.bank.normalise import normalise_answer
from learnapp.db import db
from learnapp.org.models import Branch
from learnapp.quizzes import audience
from learnapp.quizzes.grading import blank_matches
from learnapp.quizzes.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Quiz,
    QuizKind,
    QuizParticipant,
)


def bp(value: Fraction | None) -> int | None:
    """A fraction (0..1) as hundredths of a percent, rounded half up."""
    if value is None:
        return None
    return int((value * 10000 * 2 + 1) // 2)


def _mean(values: list[Fraction] | list[int]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def _median(values: list[int]) -> Fraction | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return Fraction(ordered[mid]) if len(ordered) % 2 else Fraction(ordered[mid - 1] + ordered[mid], 2)


@dataclass
class QuizReport:
    quiz: Quiz
    audience: int = 0
    participants: int = 0
    passed: int = 0
    attempts: int = 0
    pending: int = 0
    mean_bp: int | None = None
    median_bp: int | None = None
    pass_rate_bp: int | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)  # per person (assessments only)
    branches: list[dict[str, Any]] = field(default_factory=list)
    bands: list[dict[str, Any]] = field(default_factory=list)  # score distribution by tenths


def quiz_report(quiz: Quiz, scope: ColumnElement[bool]) -> QuizReport:
    """Attempts, scores, pass rate, by branch and distribution; `scope` is a filter on User."""
    report = QuizReport(quiz=quiz)
    report.audience = audience.audience_size(quiz, scope)
    people = db.session.execute(
        select(QuizParticipant, User, Branch)
        .join(User, User.id == QuizParticipant.user_id).join(Branch, Branch.id == User.branch_id)
        .where(QuizParticipant.quiz_id == quiz.id, scope)
        .order_by(Branch.path, User.name)
    ).all()
    attempt_stats = dict(db.session.execute(
        select(Attempt.state, func.count(Attempt.id)).join(User, User.id == Attempt.user_id)
        .where(Attempt.quiz_id == quiz.id, scope).group_by(Attempt.state)
    ).all())
    report.attempts = sum(attempt_stats.values())
    report.pending = attempt_stats.get(AttemptState.pending_review, 0)
    counted = [p.counted_bp for p, _u, _b in people if p.counted_bp is not None]
    report.participants = len(counted)
    report.passed = sum(1 for p, _u, _b in people if p.passed)
    report.mean_bp = bp(_mean(counted) / 10000) if counted else None
    report.median_bp = bp(_median(counted) / 10000) if counted else None
    report.pass_rate_bp = bp(Fraction(report.passed, report.participants)) if report.participants else None
    if quiz.kind == QuizKind.assessment:
        report.rows = [{"user": u, "branch": b, "participant": p} for p, u, b in people]
    report.branches = _by_branch(quiz, scope, people)
    report.bands = _bands(counted)
    return report


def _by_branch(quiz: Quiz, scope, people) -> list[dict[str, Any]]:
    expected = dict(db.session.execute(
        select(User.branch_id, func.count(User.id)).where(audience.audience_users(quiz), User.active, scope)
        .group_by(User.branch_id)
    ).all())
    groups: dict[int, dict[str, Any]] = {}
    for participant, _user, branch in people:
        group = groups.setdefault(branch.id, {"branch": branch, "scores": [], "passed": 0})
        if participant.counted_bp is not None:
            group["scores"].append(participant.counted_bp)
            group["passed"] += bool(participant.passed)
    for branch_id in expected:
        if branch_id not in groups:
            groups[branch_id] = {"branch": db.session.get(Branch, branch_id), "scores": [], "passed": 0}
    rows = []
    for group in sorted(groups.values(), key=lambda g: g["branch"].path):
        scores = group["scores"]
        taken = len(scores)
        rows.append({
            "branch": group["branch"], "expected": expected.get(group["branch"].id, 0), "taken": taken,
            "passed": group["passed"], "mean_bp": bp(_mean(scores) / 10000) if scores else None,
            "pass_rate_bp": bp(Fraction(group["passed"], taken)) if taken else None,
        })
    return rows


def _bands(counted: list[int]) -> list[dict[str, Any]]:
    counts = Counter(min(9, value // 1000) for value in counted)
    return [{"low": band * 10, "high": band * 10 + 10, "count": counts.get(band, 0)} for band in range(10)]


# --- item analysis ----------------------------------------------------------------------------

def _fraction(text: str | None) -> Fraction:
    if not text:
        return Fraction(0)
    num, den = text.split("/")
    return Fraction(int(num), int(den))


def item_analysis(quiz: Quiz, scope: ColumnElement[bool]) -> list[dict[str, Any]]:
    """Per question: times given, facility, discrimination, option frequencies, common wrong blanks."""
    rows = db.session.execute(
        select(AttemptItem, Attempt.id, Attempt.score_bp)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id).join(User, User.id == Attempt.user_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.state == AttemptState.graded, scope)
    ).all()
    if not rows:
        return []
    ranked = sorted({(score or 0, attempt_id) for _i, attempt_id, score in rows})
    group_size = max(1, (len(ranked) * 27 + 99) // 100)
    lower = {attempt_id for _s, attempt_id in ranked[:group_size]}
    upper = {attempt_id for _s, attempt_id in ranked[-group_size:]}
    by_question: dict[int, list[tuple[AttemptItem, int]]] = defaultdict(list)
    for item, attempt_id, _score in rows:
        by_question[item.question_id].append((item, attempt_id))
    versions = {v.id: v for v in db.session.scalars(select(QuestionVersion).where(
        QuestionVersion.id.in_({item.question_version_id for item, _a, _s in rows})))}
    result = []
    for question_id, given in by_question.items():
        fractions = [_fraction(item.fraction) for item, _a in given]
        up = [_fraction(item.fraction) for item, a in given if a in upper]
        low = [_fraction(item.fraction) for item, a in given if a in lower]
        discrimination = (_mean(up) - _mean(low)) if up and low and len(ranked) >= 2 else None
        latest = versions[max(item.question_version_id for item, _a in given)]
        entry = {
            "question_id": question_id, "version": latest, "kind": latest.kind, "n": len(given),
            "facility_bp": bp(_mean(fractions)),
            "discrimination_bp": None if discrimination is None else int((discrimination * 10000 * 2 + 1) // 2),
            "unanswered": sum(1 for item, _a in given if item.response is None),
            "options": _option_frequencies(given, versions),
            "wrong_blanks": _wrong_blanks(given, versions),
        }
        entry["flag"] = _flag(entry)
        result.append(entry)
    result.sort(key=lambda e: e["facility_bp"] if e["facility_bp"] is not None else 0)
    return result


def _flag(entry: dict[str, Any]) -> str | None:
    """'easy', 'hard' or 'poor' (discrimination under 0.2) to draw the admin's eye."""
    d = entry["discrimination_bp"]
    if d is not None and d < 2000 and entry["n"] >= 10:
        return "poor"
    if entry["facility_bp"] is not None and entry["facility_bp"] >= 9000:
        return "easy"
    if entry["facility_bp"] is not None and entry["facility_bp"] <= 3000:
        return "hard"
    return None


def _option_frequencies(given, versions) -> list[dict[str, Any]]:
    counts: Counter[tuple[int, str]] = Counter()
    for item, _a in given:
        response = item.response
        chosen = response if isinstance(response, list) else [response] if isinstance(response, str) else []
        for key in chosen:
            counts[(item.question_version_id, key)] += 1
        if isinstance(response, bool):
            counts[(item.question_version_id, "true" if response else "false")] += 1
    out = []
    for version_id in sorted({item.question_version_id for item, _a in given}):
        version = versions[version_id]
        n = sum(1 for item, _a in given if item.question_version_id == version_id)
        if version.kind in (QuestionKind.single, QuestionKind.multiple):
            for option in version.options or []:
                c = counts[(version_id, str(option["key"]))]
                out.append({"version": version.number, "key": option["key"], "text": option.get("text", ""),
                            "correct": int(option.get("fraction", 0)) > 0, "count": c, "share_bp": bp(Fraction(c, n))})
        elif version.kind == QuestionKind.truefalse:
            for key in ("true", "false"):
                c = counts[(version_id, key)]
                out.append({"version": version.number, "key": key, "text": key,
                            "correct": (key == "true") == bool(version.answer), "count": c, "share_bp": bp(Fraction(c, n))})
    return out


def _wrong_blanks(given, versions, top: int = 5) -> list[tuple[str, int]]:
    """The commonest wrong typed answers (normalised), to spot an accepted answer that is missing."""
    wrong: Counter[str] = Counter()
    for item, _a in given:
        version = versions[item.question_version_id]
        if version.kind != QuestionKind.fill_blank or not isinstance(item.response, list):
            continue
        for index, typed in enumerate(item.response):
            accepted = (version.answer or [])[index] if index < len(version.answer or []) else []
            if isinstance(typed, str) and typed.strip() and not blank_matches(accepted, typed):
                wrong[normalise_answer(typed)] += 1
    return wrong.most_common(top)
