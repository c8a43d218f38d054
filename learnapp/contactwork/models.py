"""Talks, thought reports and political review records of a person on the way to membership."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.accounts.models import User
from learnapp.db import CreatedAtMixin, UTCDateTime, db


def _enum(cls, length: int = 16):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class TalkForm(enum.StrEnum):
    in_person = "in_person"
    phone = "phone"
    video = "video"
    other = "other"

    @property
    def label(self) -> str:
        return str(TALK_FORM_LABELS[self])


TALK_FORM_LABELS = {
    TalkForm.in_person: _l("Face to face"),
    TalkForm.phone: _l("Phone"),
    TalkForm.video: _l("Video call"),
    TalkForm.other: _l("Other"),
}


class TalkKind(enum.StrEnum):
    regular = "regular"  # 谈心谈话 during cultivation
    after_application = "after_application"  # 申请入党后一个月内的谈话

    @property
    def label(self) -> str:
        return str(TALK_KIND_LABELS[self])


TALK_KIND_LABELS = {
    TalkKind.regular: _l("Regular talk"),
    TalkKind.after_application: _l("Talk after the application"),
}


class Talk(CreatedAtMixin, db.Model):
    """One conversation of a training contact (or the branch) with the person.

    The person sees that it took place (date, form, kind); topics, summary and follow-up are the
    organisation's notes: the contact, the branch's admins and auditors read them."""

    __tablename__ = "talks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    place: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    form: Mapped[TalkForm] = mapped_column(_enum(TalkForm), nullable=False)
    kind: Mapped[TalkKind] = mapped_column(_enum(TalkKind, 20), nullable=False, default=TalkKind.regular)
    topics: Mapped[str] = mapped_column(String(300), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    follow_up: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])

    def snapshot(self) -> dict:
        return {"held_on": self.held_on.isoformat(), "place": self.place, "form": self.form.value,
                "kind": self.kind.value, "topics": self.topics, "summary": self.summary, "follow_up": self.follow_up}


class ReportStatus(enum.StrEnum):
    draft = "draft"  # being written (autosaved); nobody but the author sees it
    submitted = "submitted"
    read = "read"  # the contact (or the branch) read it and commented

    @property
    def label(self) -> str:
        return str(REPORT_STATUS_LABELS[self])

    @property
    def tone(self) -> str:
        return {"draft": "warn", "submitted": "", "read": "ok"}[self.value]


REPORT_STATUS_LABELS = {
    ReportStatus.draft: _l("Draft"),
    ReportStatus.submitted: _l("Awaiting reading"),
    ReportStatus.read: _l("Read"),
}


class ThoughtReport(CreatedAtMixin, db.Model):
    """A person's thought report for one quarter: typed text or an uploaded file (one per quarter)."""

    __tablename__ = "thought_reports"
    __table_args__ = (UniqueConstraint("user_id", "year", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    quarter: Mapped[int] = mapped_column(Integer, nullable=False)  # 1..4
    status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), nullable=False, default=ReportStatus.draft)
    title: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # An uploaded file instead of (or besides) the typed text: stored under UPLOAD_FOLDER/thought_reports/.
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_stored: Mapped[str | None] = mapped_column(String(80))
    file_type: Mapped[str | None] = mapped_column(String(100))
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    read_by: Mapped[User | None] = relationship(foreign_keys=[read_by_id])


class Conclusion(enum.StrEnum):
    qualified = "qualified"  # 合格
    unqualified = "unqualified"  # 不合格

    @property
    def label(self) -> str:
        return str(CONCLUSION_LABELS[self])

    @property
    def chinese(self) -> str:
        return {"qualified": "合格", "unqualified": "不合格"}[self.value]


CONCLUSION_LABELS = {Conclusion.qualified: _l("Qualified"), Conclusion.unqualified: _l("Unqualified")}


class PoliticalReview(CreatedAtMixin, db.Model):
    """The political review dossier (政审) of one person. Confidential: the branch admins of the
    person's subtree and committee admins edit it, auditors read it; every read is audited."""

    __tablename__ = "political_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, unique=True)
    own_record: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 本人政治历史和现实表现
    discipline_opinion: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 纪检部门意见
    discipline_opinion_on: Mapped[date | None] = mapped_column(Date)
    hr_opinion: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 人事部门意见
    hr_opinion_on: Mapped[date | None] = mapped_column(Date)
    conclusion: Mapped[Conclusion | None] = mapped_column(_enum(Conclusion, 12))
    concluded_on: Mapped[date | None] = mapped_column(Date)
    conclusion_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    relatives: Mapped[list[ReviewRelative]] = relationship(back_populates="review", cascade="all, delete-orphan",
                                                           order_by="ReviewRelative.id")
    letters: Mapped[list[InquiryLetter]] = relationship(back_populates="review", cascade="all, delete-orphan",
                                                        order_by="InquiryLetter.id")

    def snapshot(self) -> dict:
        return {"own_record": self.own_record, "discipline_opinion": self.discipline_opinion,
                "discipline_opinion_on": self.discipline_opinion_on, "hr_opinion": self.hr_opinion,
                "hr_opinion_on": self.hr_opinion_on, "conclusion": self.conclusion,
                "concluded_on": self.concluded_on, "conclusion_note": self.conclusion_note}


class ReviewRelative(db.Model):
    """A close relative or main social relation (直系亲属和主要社会关系) examined by the review."""

    __tablename__ = "review_relatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("political_reviews.id"), nullable=False, index=True)
    relation: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    political_status: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    employer: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    opinion: Mapped[str] = mapped_column(Text, nullable=False, default="")

    review: Mapped[PoliticalReview] = relationship(back_populates="relatives")

    def snapshot(self) -> dict:
        return {"relation": self.relation, "name": self.name, "political_status": self.political_status,
                "employer": self.employer, "opinion": self.opinion}


class InquiryLetter(db.Model):
    """A letter of inquiry (函调) sent to an organisation and, once answered, its result."""

    __tablename__ = "inquiry_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("political_reviews.id"), nullable=False, index=True)
    addressee: Mapped[str] = mapped_column(String(200), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False, default="")  # about whom / what
    sent_on: Mapped[date] = mapped_column(Date, nullable=False)
    returned_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str] = mapped_column(Text, nullable=False, default="")

    review: Mapped[PoliticalReview] = relationship(back_populates="letters")

    def snapshot(self) -> dict:
        return {"addressee": self.addressee, "subject": self.subject, "sent_on": self.sent_on,
                "returned_on": self.returned_on, "result": self.result}


class ContactWorkGap(db.Model):
    """A quarter's thought report not handed in (contact_id None) or a training contact's quarterly
    assessment not written, for every quarter up to the state's horizon (contactwork/stored.py): the
    compliance report reads the ended quarters' rows instead of checking every person again."""

    __tablename__ = "contact_work_gaps"
    __table_args__ = (Index("ix_contact_work_gaps_quarter", "year", "quarter"),
                      Index("ix_contact_work_gaps_user_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    quarter: Mapped[int] = mapped_column(Integer, nullable=False)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ContactWorkGapsState(db.Model):
    """One row once contact_work_gaps is complete: the last quarter it holds (through_year,
    through_quarter). No row, or a quarter asked for after it: the readers query the records."""

    __tablename__ = "contact_work_gaps_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    through_year: Mapped[int] = mapped_column(Integer, nullable=False)
    through_quarter: Mapped[int] = mapped_column(Integer, nullable=False)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
