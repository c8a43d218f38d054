"""Who a quiz is for: named people, or people in the audience branches (with their subtrees)
whose stage is one of the audience stages (no stage chosen: every stage)."""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    bindparam,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from learnapp import request_memo
from learnapp.accounts.models import User
from learnapp.db import db
from learnapp.org.models import Branch
from learnapp.quizzes.models import Quiz, QuizAudienceBranch, QuizAudiencePerson


def includes(quiz: Quiz, user) -> bool:
    """True when the quiz is meant for this person (one statement, remembered for the request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return request_memo.remember("quiz_audience", (quiz.id, user.id), lambda: _includes(quiz, user))


def _audience_statements():
    named = exists().where(QuizAudiencePerson.quiz_id == bindparam("quiz_id"),
                           QuizAudiencePerson.user_id == bindparam("user_id"))
    # The person's branch lies under an audience branch when its path starts with that branch's
    # path ("/1/4/9/" under "/1/4/"); paths hold digits and slashes only, safe in a LIKE pattern.
    audience_branch = aliased(Branch)
    own_path = select(Branch.path).where(Branch.id == bindparam("branch_id")).scalar_subquery()
    in_branch = exists().where(QuizAudienceBranch.quiz_id == bindparam("quiz_id"),
                               audience_branch.id == QuizAudienceBranch.branch_id,
                               own_path.like(audience_branch.path + literal("%")))
    return select(named), select(or_(named, in_branch))


# Built once (building costs more than running them): named only / named or by branch.
_NAMED, _NAMED_OR_IN_BRANCH = _audience_statements()


def _includes(quiz: Quiz, user) -> bool:
    stages = set(quiz.audience_stages or [])
    stmt = _NAMED if stages and str(user.stage) not in stages else _NAMED_OR_IN_BRANCH
    return bool(db.session.scalar(stmt, {"quiz_id": quiz.id, "user_id": user.id, "branch_id": user.branch_id}))


# A memo must not outlive a change to the audience, the quiz's stages, the person or the tree.
request_memo.depends_on("quiz_audience", Quiz, QuizAudienceBranch, QuizAudiencePerson, User, Branch)


def quizzes_for_user(user) -> ColumnElement[bool]:
    """Filter on Quiz: the quizzes whose audience includes `user` (any status)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    named = exists().where(QuizAudiencePerson.quiz_id == Quiz.id, QuizAudiencePerson.user_id == user.id)
    branch_path = user.branch.path
    # The person's branch lies under an audience branch when that branch is one of its ancestors.
    ancestors = [int(part) for part in branch_path.strip("/").split("/") if part]
    in_branch = exists().where(QuizAudienceBranch.quiz_id == Quiz.id, QuizAudienceBranch.branch_id.in_(ancestors))
    stages_text = cast(Quiz.audience_stages, String)
    # JSON lists differ between backends; their text is portable and stage names are plain
    # identifiers, so a quoted substring match is exact.
    stage_ok = or_(stages_text == "[]", stages_text.contains(f'"{user.stage}"'))
    return or_(named, and_(in_branch, stage_ok))


def audience_users(quiz: Quiz) -> ColumnElement[bool]:
    """Filter on User: everyone the quiz is for (for 'expected vs. taken' in reports)."""
    named = User.id.in_(select(QuizAudiencePerson.user_id).where(QuizAudiencePerson.quiz_id == quiz.id))
    paths = [a.branch.path for a in quiz.audience_branches]
    if not paths:
        return named
    in_branch = User.branch_id.in_(
        select(Branch.id).where(or_(*[Branch.path.startswith(p, autoescape=True) for p in paths]))
    )
    if quiz.audience_stages:
        in_branch = and_(in_branch, User.stage.in_(quiz.stages))
    return or_(named, in_branch)


def audience_size(quiz: Quiz, scope: ColumnElement[bool] | None = None) -> int:
    """How many active people the quiz is for (within `scope`, a filter on User)."""
    stmt = select(func.count(User.id)).where(audience_users(quiz), User.active)
    if scope is not None:
        stmt = stmt.where(scope)
    return db.session.scalar(stmt) or 0
