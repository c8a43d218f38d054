"""Branch tree with a materialised path so a subtree is one indexed LIKE."""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.db import CreatedAtMixin, db


class BranchKind(enum.StrEnum):
    committee = "committee"
    general_branch = "general_branch"
    branch = "branch"


class Branch(CreatedAtMixin, db.Model):
    __tablename__ = "branches"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[BranchKind] = mapped_column(
        Enum(BranchKind, native_enum=False, length=20, validate_strings=True), nullable=False
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    # "/1/4/9/": ids from the root down to this branch, ending with "/". A subtree is path LIKE '/1/4/%'.
    path: Mapped[str] = mapped_column(String(400), nullable=False, default="", index=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    parent: Mapped[Branch | None] = relationship(remote_side="Branch.id", back_populates="children")
    children: Mapped[list[Branch]] = relationship(back_populates="parent", order_by="Branch.sort_order, Branch.id")

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def is_within(self, other: Branch) -> bool:
        """True if this branch is `other` or lies in its subtree."""
        return self.path.startswith(other.path)

    def __repr__(self) -> str:
        return f"<Branch {self.id} {self.name}>"
