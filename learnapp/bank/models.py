"""Question bank models: a category tree, questions, and their immutable versions.

A question is a stable identity (category, retired flag, which version is current); everything a
learner sees or is graded on lives in a `QuestionVersion`, which is never changed once written.
Editing a question adds version n+1 and moves `current_version_id`, so an attempt that stored the
version it was given keeps its score whatever happens to the bank later.
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
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.db import CreatedAtMixin, UTCDateTime, db


class QuestionKind(enum.StrEnum):
    single = "single"
    multiple = "multiple"
    truefalse = "truefalse"
    fill_blank = "fill_blank"
    essay = "essay"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])

    @property
    def is_choice(self) -> bool:
        return self in (QuestionKind.single, QuestionKind.multiple)

    @property
    def chinese(self) -> str:
        return KIND_CHINESE[self]


KIND_LABELS = {
    QuestionKind.single: _l("Single choice"),
    QuestionKind.multiple: _l("Multiple choice"),
    QuestionKind.truefalse: _l("True/false"),
    QuestionKind.fill_blank: _l("Fill in the blank"),
    QuestionKind.essay: _l("Short answer / essay"),
}

# The names used in the XLSX/CSV template's 题型 column (other spellings are accepted on import).
KIND_CHINESE = {
    QuestionKind.single: "单选题",
    QuestionKind.multiple: "多选题",
    QuestionKind.truefalse: "判断题",
    QuestionKind.fill_blank: "填空题",
    QuestionKind.essay: "简答题",
}


class QuestionCategory(CreatedAtMixin, db.Model):
    """A node of the category tree; like org.Branch, `path` is "/1/5/" so a subtree is one LIKE."""

    __tablename__ = "question_categories"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("question_categories.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), nullable=False, default="", index=True)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The branch whose bank this is; None: the committee's own bank, usable by every admin. Children
    # inherit it, so a subtree never mixes owners (see bank/access.py for who may see and edit).
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    parent: Mapped[QuestionCategory | None] = relationship(remote_side="QuestionCategory.id", back_populates="children")
    children: Mapped[list[QuestionCategory]] = relationship(
        back_populates="parent", order_by="QuestionCategory.sort_order, QuestionCategory.name"
    )
    branch = relationship("Branch")

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def is_within(self, other: QuestionCategory) -> bool:
        """True if this category is `other` or lies in its subtree."""
        return self.path.startswith(other.path)

    def __repr__(self) -> str:
        return f"<QuestionCategory {self.id} {self.name}>"


class Question(CreatedAtMixin, db.Model):
    """A question's identity; its content is in `current_version` (and older `versions`)."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("question_categories.id"), nullable=False, index=True)
    # use_alter: questions and question_versions point at each other. SET NULL only so that a
    # whole-table wipe (tests, which delete version rows first) is possible; versions are never
    # deleted in use.
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_versions.id", use_alter=True, name="fk_questions_current_version_id_question_versions",
                   ondelete="SET NULL"),
        index=True,
    )
    retired: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    category: Mapped[QuestionCategory] = relationship()
    current_version: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", foreign_keys="QuestionVersion.question_id", order_by="QuestionVersion.number"
    )
    created_by = relationship("User", foreign_keys=[created_by_id])

    def __repr__(self) -> str:
        return f"<Question {self.id}>"


class QuestionVersion(CreatedAtMixin, db.Model):
    """One immutable version of a question. Never update a row: add a new version instead.

    options: [{"key": "A", "text": "...", "fraction": 100}, ...] — fraction in percent, -100..100,
             >0 marks a correct option; an optional "feedback" key holds per-option feedback
             (GIFT `#`, Moodle <feedback>). [] for non-choice kinds.
    answer:  truefalse → true/false; fill_blank → one list of accepted strings per blank;
             essay → None (graded by a person; an optional reference answer is `reference_answer`);
             single/multiple → None (the options carry it; see `correct_keys`).
    """

    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("question_id", "number"),
        CheckConstraint("difficulty IS NULL OR (difficulty >= 1 AND difficulty <= 5)", name="difficulty_range"),
        CheckConstraint("default_points >= 0", name="default_points_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[QuestionKind] = mapped_column(
        Enum(QuestionKind, native_enum=False, length=20, validate_strings=True), nullable=False
    )
    # Short name (GIFT ::title::, Moodle <name>); optional, shown in lists when the stem is long.
    title: Mapped[str | None] = mapped_column(String(255))
    stem: Mapped[str] = mapped_column(Text, nullable=False)
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    answer: Mapped[Any] = mapped_column(JSON, nullable=True)
    explanation: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reference_answer: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source: Mapped[str | None] = mapped_column(String(120), index=True)
    # The source in full, e.g. 《中国共产党章程》第一章第七条 (learnapp.citations).
    citation: Mapped[str | None] = mapped_column(String(300))
    knowledge_points: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    difficulty: Mapped[int | None] = mapped_column(Integer)
    default_points: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    # Why this version was made ("import", "edit", "restore …"): shown in the version history.
    change_note: Mapped[str] = mapped_column(String(255), nullable=False, default="")

    question: Mapped[Question] = relationship(back_populates="versions", foreign_keys=[question_id])
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def correct_keys(self) -> list[str]:
        """Keys of the options with a positive fraction (choice kinds)."""
        return [o["key"] for o in self.options or [] if int(o.get("fraction", 0)) > 0]

    @property
    def blank_count(self) -> int:
        """Number of blanks of a fill-in-the-blank question (= len(answer))."""
        return len(self.answer or []) if self.kind == QuestionKind.fill_blank else 0

    def __repr__(self) -> str:
        return f"<QuestionVersion q{self.question_id} v{self.number} {self.kind}>"
