"""Quizzes, their question slots and audience, attempts with a snapshot of what was given, results.

An attempt stores the seed it was drawn with, the question *versions* it was given (versions are
immutable in the bank, so the reference is the snapshot), the order they were shown in and, per
question, the option order and the learner's saved response. A later edit in the bank therefore
never changes a past score.

Percentages are stored as integer hundredths of a percent (`*_bp`, 0..10000) and scores as
integer hundredths of a point: no floats anywhere a grade is kept.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.accounts.models import Stage, User
from learnapp.bank.models import Question, QuestionCategory, QuestionVersion
from learnapp.db import CreatedAtMixin, UTCDateTime, db
from learnapp.org.models import Branch


def _enum(cls, length: int = 20):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class QuizKind(enum.StrEnum):
    practice = "practice"      # unlimited attempts, immediate feedback, only the learner's business
    assessment = "assessment"  # counts in the assessment record

    @property
    def label(self) -> str:
        return str(LABELS[self])


class QuizStatus(enum.StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"

    @property
    def label(self) -> str:
        return str(LABELS[self])


class GradingMethod(enum.StrEnum):
    """Which of a person's attempts makes their result for the quiz."""

    highest = "highest"
    last = "last"
    first = "first"
    average = "average"

    @property
    def label(self) -> str:
        return str(LABELS[self])


class ChoiceScoring(enum.StrEnum):
    """How questions with several parts (multiple choice, several blanks) are scored."""

    all_or_nothing = "all_or_nothing"
    partial = "partial"  # credit per part, wrong choices cost a penalty

    @property
    def label(self) -> str:
        return str(LABELS[self])


class ReviewItem(enum.StrEnum):
    """What a learner may see of a finished attempt (per review phase)."""

    score = "score"
    correctness = "correctness"    # which of my answers were right
    right_answers = "right_answers"
    explanations = "explanations"

    @property
    def label(self) -> str:
        return str(LABELS[self])


class SlotKind(enum.StrEnum):
    fixed = "fixed"    # one given question
    random = "random"  # `count` questions drawn from a category (subtree) and/or a tag

    @property
    def label(self) -> str:
        return str(LABELS[self])


class AttemptState(enum.StrEnum):
    in_progress = "in_progress"
    pending_review = "pending_review"  # submitted; an essay waits for a person to grade it
    graded = "graded"

    @property
    def label(self) -> str:
        return str(LABELS[self])


LABELS = {
    QuizKind.practice: _l("Practice"),
    QuizKind.assessment: _l("Assessment"),
    QuizStatus.draft: _l("Draft"),
    QuizStatus.published: _l("Published"),
    QuizStatus.archived: _l("Archived"),
    GradingMethod.highest: _l("Highest attempt"),
    GradingMethod.last: _l("Last attempt"),
    GradingMethod.first: _l("First attempt"),
    GradingMethod.average: _l("Average of attempts"),
    ChoiceScoring.all_or_nothing: _l("All or nothing"),
    ChoiceScoring.partial: _l("Partial credit with penalties"),
    ReviewItem.score: _l("Score"),
    ReviewItem.correctness: _l("Which answers were right"),
    ReviewItem.right_answers: _l("The right answers"),
    ReviewItem.explanations: _l("Explanations"),
    SlotKind.fixed: _l("Fixed question"),
    SlotKind.random: _l("Random draw"),
    AttemptState.in_progress: _l("In progress"),
    AttemptState.pending_review: _l("Awaiting grading"),
    AttemptState.graded: _l("Graded"),
}


class Quiz(CreatedAtMixin, db.Model):
    """A knowledge test. `branch` is the owning branch: its admins manage the quiz."""

    __tablename__ = "quizzes"
    __table_args__ = (
        CheckConstraint("pass_bp >= 0 AND pass_bp <= 10000", name="pass_range"),
        CheckConstraint("time_limit_minutes IS NULL OR time_limit_minutes > 0", name="time_limit_positive"),
        CheckConstraint("max_attempts IS NULL OR max_attempts > 0", name="max_attempts_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    kind: Mapped[QuizKind] = mapped_column(_enum(QuizKind), nullable=False, default=QuizKind.assessment)
    status: Mapped[QuizStatus] = mapped_column(_enum(QuizStatus), nullable=False, default=QuizStatus.draft, index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    max_attempts: Mapped[int | None] = mapped_column(Integer)  # None: unlimited
    grading_method: Mapped[GradingMethod] = mapped_column(_enum(GradingMethod), nullable=False, default=GradingMethod.highest)
    pass_bp: Mapped[int] = mapped_column(Integer, nullable=False, default=6000)  # hundredths of a percent
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    choice_scoring: Mapped[ChoiceScoring] = mapped_column(_enum(ChoiceScoring), nullable=False, default=ChoiceScoring.all_or_nothing)
    # Lists of ReviewItem values: what the learner sees right after submitting / once the quiz closed.
    review_after_submit: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    review_after_close: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    credit_on_pass: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # A practice quiz that draws no question an assessment quiz of the same period uses, so
    # practising does not hand out the answers of the real test (draw.assessment_questions).
    avoids_assessment_questions: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                              server_default=false())
    # Audience by stage: [] means every stage (within the audience branches).
    audience_stages: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    branch: Mapped[Branch] = relationship()
    created_by: Mapped[User | None] = relationship()
    slots: Mapped[list[QuizSlot]] = relationship(back_populates="quiz", order_by="QuizSlot.position, QuizSlot.id",
                                                 cascade="all, delete-orphan")
    audience_branches: Mapped[list[QuizAudienceBranch]] = relationship(back_populates="quiz", cascade="all, delete-orphan")
    audience_people: Mapped[list[QuizAudiencePerson]] = relationship(back_populates="quiz", cascade="all, delete-orphan")

    @property
    def stages(self) -> list[Stage]:
        return [Stage(s) for s in self.audience_stages or []]

    def __repr__(self) -> str:
        return f"<Quiz {self.id} {self.title}>"


class QuizSlot(db.Model):
    """One position of a quiz: a fixed question, or a rule drawing `count` questions at random."""

    __tablename__ = "quiz_slots"
    __table_args__ = (
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint("points IS NULL OR points >= 0", name="points_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    kind: Mapped[SlotKind] = mapped_column(_enum(SlotKind), nullable=False)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("question_categories.id"))
    include_subcategories: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    tag: Mapped[str | None] = mapped_column(String(80))
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    points: Mapped[int | None] = mapped_column(Integer)  # whole points per question; None: the question's default

    quiz: Mapped[Quiz] = relationship(back_populates="slots")
    question: Mapped[Question | None] = relationship()
    category: Mapped[QuestionCategory | None] = relationship()


class QuizAudienceBranch(db.Model):
    """A branch (with its whole subtree) the quiz is for."""

    __tablename__ = "quiz_audience_branches"
    __table_args__ = (UniqueConstraint("quiz_id", "branch_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), nullable=False, index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)

    quiz: Mapped[Quiz] = relationship(back_populates="audience_branches")
    branch: Mapped[Branch] = relationship()


class QuizAudiencePerson(db.Model):
    """A person named individually (whatever their branch or stage)."""

    __tablename__ = "quiz_audience_people"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)

    quiz: Mapped[Quiz] = relationship(back_populates="audience_people")
    user: Mapped[User] = relationship()


class QuizParticipant(db.Model):
    """One row per (quiz, person): the guard that serialises starts and the person's result.

    Starting an attempt locks this row, so the attempt limit holds under concurrency; grading
    updates the counted result here, so reports and `counted_results` read one row per person.
    """

    __tablename__ = "quiz_participants"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id"),
        # A year's counted results (counted_results) read from the index alone.
        Index("ix_quiz_participants_year_user", "year", "user_id", "quiz_id", "counted_bp", "passed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    attempts_started: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    attempts_graded: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    counted_bp: Mapped[int | None] = mapped_column(Integer)  # by the quiz's grading method
    passed: Mapped[bool | None] = mapped_column(Boolean)
    # The local year of the first submission: the year the result counts in.
    year: Mapped[int | None] = mapped_column(Integer)
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    quiz: Mapped[Quiz] = relationship()
    user: Mapped[User] = relationship()


class Attempt(CreatedAtMixin, db.Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        # Exactly one open attempt per person and quiz, enforced by the database itself.
        Index("uq_quiz_attempts_one_open", "quiz_id", "user_id", unique=True,
              sqlite_where=text("state = 'in_progress'"), postgresql_where=text("state = 'in_progress'")),
        Index("ix_quiz_attempts_state_deadline", "state", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    # The person's branch when they started: reports by branch stay true after a transfer.
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    state: Mapped[AttemptState] = mapped_column(_enum(AttemptState), nullable=False, default=AttemptState.in_progress)
    seed: Mapped[int] = mapped_column(Integer, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # Fixed by the server at start: min(start + time limit, close time); None = no limit.
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    auto_submitted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score_hundredths: Mapped[int | None] = mapped_column(Integer)  # hundredths of a point
    max_score_hundredths: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    score_bp: Mapped[int | None] = mapped_column(Integer)  # hundredths of a percent
    passed: Mapped[bool | None] = mapped_column(Boolean)

    quiz: Mapped[Quiz] = relationship()
    user: Mapped[User] = relationship()
    branch: Mapped[Branch] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(back_populates="attempt", order_by="AttemptItem.position",
                                                    cascade="all, delete-orphan")

    @property
    def finished(self) -> bool:
        return self.state != AttemptState.in_progress


class AttemptItem(db.Model):
    """One question as given in one attempt, with the learner's saved response and its grade.

    response: single → "B"; multiple → ["A", "C"]; truefalse → true/false;
              fill_blank → ["...", "..."] (one per blank); essay → "text". None: unanswered.
    """

    __tablename__ = "quiz_attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)  # the order shown (after shuffling)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_slots.id", ondelete="SET NULL"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), nullable=False, index=True)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), nullable=False, index=True)
    option_order: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    points: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # whole points
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    needs_manual: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    score_hundredths: Mapped[int | None] = mapped_column(Integer)  # None until graded
    # Exact fraction as "num/den" (for item analysis without floats); None until graded.
    fraction: Mapped[str | None] = mapped_column(String(40))
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback: Mapped[str] = mapped_column(Text, nullable=False, default="")

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version: Mapped[QuestionVersion] = relationship()
    question: Mapped[Question] = relationship()
    graded_by: Mapped[User | None] = relationship()
