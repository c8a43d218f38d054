"""Study materials with their version history and attachments, reading lists, and reading sessions.

Reading time: a `ReadingSession` is one open page of one material (started by the page's script,
advanced by heartbeats); `ReadingProgress` is what a person has read of a material in one training
year (measured seconds, the seconds that count toward credit, credit already granted to the ledger).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.accounts.models import Stage, User
from learnapp.db import CreatedAtMixin, UTCDateTime, db, utcnow
from learnapp.org.models import Branch


class MaterialKind(enum.StrEnum):
    article = "article"
    book = "book"  # 书目: a foreword; its chapters (kind chapter, `book_id`) are read and credited one by one
    chapter = "chapter"
    document = "document"
    video = "video"
    audio = "audio"
    pdf = "pdf"
    link = "link"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])

    @property
    def is_media(self) -> bool:
        """Video and audio are credited as online video, everything else as online reading."""
        return self in (MaterialKind.video, MaterialKind.audio)

    @property
    def is_timed(self) -> bool:
        """Reading time can be measured only on our own page; an external site cannot be measured.
        A book is not read itself: its chapters are."""
        return self not in (MaterialKind.link, MaterialKind.book)


KIND_LABELS = {
    MaterialKind.article: _l("Article"),
    MaterialKind.book: _l("Book"),
    MaterialKind.chapter: _l("Book chapter"),
    MaterialKind.document: _l("Document"),
    MaterialKind.video: _l("Video"),
    MaterialKind.audio: _l("Audio"),
    MaterialKind.pdf: _l("PDF"),
    MaterialKind.link: _l("External link"),
}


class MaterialStatus(enum.StrEnum):
    draft = "draft"
    published = "published"

    @property
    def label(self) -> str:
        return str(_l("Draft") if self is MaterialStatus.draft else _l("Published"))


def _enum(cls, length: int = 20):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class Material(CreatedAtMixin, db.Model):
    """A study material (学习资料); the slug is its stable key for content files and URLs."""

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")  # Markdown, rendered + sanitised on display
    kind: Mapped[MaterialKind] = mapped_column(_enum(MaterialKind), nullable=False, default=MaterialKind.article)
    source: Mapped[str] = mapped_column(String(80), nullable=False, default="", index=True)  # 党章, 准则 …
    # The source in full, e.g. 《中国共产党章程》第一章第七条 (learnapp.citations); "" when none is known.
    citation: Mapped[str] = mapped_column(String(300), nullable=False, default="", server_default="")
    external_url: Mapped[str | None] = mapped_column(String(500))
    estimated_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=10)
    status: Mapped[MaterialStatus] = mapped_column(_enum(MaterialStatus), nullable=False, default=MaterialStatus.draft)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Content files: where it came from and the hash of the file as last synced, so an unchanged
    # file never overwrites edits made in the site.
    content_path: Mapped[str | None] = mapped_column(String(300))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # A chapter's book (a material of kind book) and its place in the book (1, 2, …); None otherwise.
    book_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id"), index=True)
    position: Mapped[int | None] = mapped_column(Integer)
    # Video and audio: the duration of the file the page plays (its first video or audio
    # attachment), read from the file; it decides the credit instead of estimated_minutes.
    media_seconds: Mapped[int | None] = mapped_column(Integer)

    labels: Mapped[list[MaterialLabel]] = relationship(
        back_populates="material", cascade="all, delete-orphan", order_by="MaterialLabel.kind, MaterialLabel.position"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="material", order_by="Attachment.id", primaryjoin="and_(Attachment.material_id == Material.id, Attachment.removed_at.is_(None))",
        viewonly=True,
    )

    @property
    def tags(self) -> list[str]:
        return [label.name for label in self.labels if label.kind == LabelKind.tag]

    @property
    def knowledge_points(self) -> list[str]:
        return [label.name for label in self.labels if label.kind == LabelKind.point]

    @property
    def is_published(self) -> bool:
        return self.status is MaterialStatus.published

    @property
    def is_book(self) -> bool:
        return self.kind is MaterialKind.book

    @property
    def display_title(self) -> str:
        """"book › chapter" for a chapter whose book title a read put beside it (`with_book_titles`),
        else the title."""
        book_title = self.__dict__.get("_book_title")
        return f"{book_title} › {self.title}" if book_title else self.title

    def __repr__(self) -> str:
        return f"<Material {self.slug}>"


class LabelKind(enum.StrEnum):
    tag = "tag"
    point = "point"  # 知识点: shared with the question bank so wrong answers link to materials


class MaterialLabel(db.Model):
    """A tag or a knowledge point (知识点) of a material."""

    __tablename__ = "material_labels"
    __table_args__ = (UniqueConstraint("material_id", "kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), nullable=False, index=True)
    kind: Mapped[LabelKind] = mapped_column(_enum(LabelKind, 10), nullable=False)
    name: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    material: Mapped[Material] = relationship(back_populates="labels")


class MaterialVersion(db.Model):
    """A snapshot of a material as it was at one version; never changed once written."""

    __tablename__ = "material_versions"
    __table_args__ = (UniqueConstraint("material_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    source: Mapped[str] = mapped_column(String(80), nullable=False)
    citation: Mapped[str] = mapped_column(String(300), nullable=False, default="", server_default="")
    external_url: Mapped[str | None] = mapped_column(String(500))
    estimated_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    labels: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    origin: Mapped[str] = mapped_column(String(10), nullable=False)  # "site" or "sync"
    note: Mapped[str | None] = mapped_column(String(300))
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    edited_by: Mapped[User | None] = relationship()

    # The snapshot keeps the kind and status as text; shown by their names (a value no longer
    # known stays as it was stored).
    @property
    def kind_label(self) -> str:
        return MaterialKind(self.kind).label if self.kind in set(MaterialKind) else self.kind

    @property
    def status_label(self) -> str:
        return MaterialStatus(self.status).label if self.status in set(MaterialStatus) else self.status


class Attachment(CreatedAtMixin, db.Model):
    """A PDF, video or audio file of a material, stored under UPLOAD_FOLDER/materials/."""

    __tablename__ = "material_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id"), nullable=False, index=True)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)  # the name shown and offered on download
    stored_name: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    content_type: Mapped[str] = mapped_column(String(80), nullable=False)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)  # media files may pass 2 GB
    duration_seconds: Mapped[int | None] = mapped_column(Integer)  # video and audio, read from the file
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    material: Mapped[Material] = relationship()

    @property
    def media(self) -> str | None:
        """'video' or 'audio' for files the page can play, else None."""
        major = self.content_type.split("/", 1)[0]
        return major if major in ("video", "audio") else None

    @property
    def is_subtitles(self) -> bool:
        return self.content_type == "text/vtt"


class ReadingList(CreatedAtMixin, db.Model):
    """A year's list of required and optional readings (必读书目和篇目)."""

    __tablename__ = "reading_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The branch that owns the list (its admins manage it); None: the committee's own list.
    owner_branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    content_path: Mapped[str | None] = mapped_column(String(300))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    owner_branch: Mapped[Branch | None] = relationship()
    items: Mapped[list[ReadingListItem]] = relationship(
        back_populates="reading_list", cascade="all, delete-orphan", order_by="ReadingListItem.position, ReadingListItem.id"
    )
    assignments: Mapped[list[ReadingListAssignment]] = relationship(
        back_populates="reading_list", cascade="all, delete-orphan", order_by="ReadingListAssignment.id"
    )


class ReadingListItem(db.Model):
    __tablename__ = "reading_list_items"
    __table_args__ = (UniqueConstraint("reading_list_id", "material_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reading_list_id: Mapped[int] = mapped_column(ForeignKey("reading_lists.id", ondelete="CASCADE"), nullable=False, index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id"), nullable=False, index=True)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    reading_list: Mapped[ReadingList] = relationship(back_populates="items")
    material: Mapped[Material] = relationship()


class ReadingListAssignment(db.Model):
    """Who a list is for: people in a branch's subtree (None: the whole committee), optionally of one stage."""

    __tablename__ = "reading_list_assignments"
    __table_args__ = (UniqueConstraint("reading_list_id", "branch_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reading_list_id: Mapped[int] = mapped_column(ForeignKey("reading_lists.id", ondelete="CASCADE"), nullable=False, index=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    stage: Mapped[Stage | None] = mapped_column(_enum(Stage, 24))

    reading_list: Mapped[ReadingList] = relationship(back_populates="assignments")
    branch: Mapped[Branch | None] = relationship()


class ReadingSession(db.Model):
    """One open page of one material, advanced by heartbeats; only the newest open one earns."""

    __tablename__ = "reading_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id"), nullable=False, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_beat_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    beats: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_reason: Mapped[str | None] = mapped_column(String(20))  # "superseded", "closed"
    # Video and audio: the player's position at the last accepted beat (or when the page closed),
    # in milliseconds: the next beat's advance is measured from it, and the page resumes there.
    position_ms: Mapped[int | None] = mapped_column(Integer)

    user: Mapped[User] = relationship()
    material: Mapped[Material] = relationship()


class ReadingProgress(db.Model):
    """A person's reading of one material in one training year (hours count in their own year)."""

    __tablename__ = "reading_progress"
    __table_args__ = (UniqueConstraint("user_id", "material_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id"), nullable=False, index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    active_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # all measured time
    counted_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # time that counts toward credit
    # Credit asked of the ledger for this material (progress toward completion) and what the ledger
    # actually credited (it may apply caps of its own); both in hundredths of a 学时.
    granted_hundredths: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    credited_hundredths: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    granted_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # counted seconds already granted for
    target_hundredths: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # the item credit when last read
    grants: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    first_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    material: Mapped[Material] = relationship()


def reading_state(progress: ReadingProgress | None) -> str:
    """'completed' (credited), 'in_progress' (some time read) or 'not_started': a material's state
    for one person in one year, wherever it is shown (lists, a book's chapters)."""
    if progress is not None and progress.completed_at is not None:
        return "completed"
    if progress is not None and progress.active_seconds > 0:
        return "in_progress"
    return "not_started"
