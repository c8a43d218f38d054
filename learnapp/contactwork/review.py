"""The political review dossier (政审): its keeping, and the audit of every read.

Kept by the admins of the person's branch subtree (committee admins included); auditors read it.
Every read of a dossier page is an audit entry (`political_review.read`), so an inspector can see
who looked at whose family record and when. The conclusion (合格 / 不合格 with its date) is what the
development procedure's step `political_review` needs: `political_review_conclusion(person)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import audit, clock
from learnapp.accounts.models import User
from learnapp.contactwork.access import can_edit_review, can_read_review
from learnapp.contactwork.models import Conclusion, InquiryLetter, PoliticalReview, ReviewRelative
from learnapp.db import db
from learnapp.development import services as development
from learnapp.errors import DomainError

MAX_TEXT = 5000


class NotAllowed(Exception):
    """The actor may not see or keep this person's dossier (the view answers 404)."""


def review_of(person: User) -> PoliticalReview | None:
    return db.session.scalar(select(PoliticalReview).where(PoliticalReview.user_id == person.id))


def political_review_conclusion(person: User) -> tuple[str, date] | None:
    """The concluded review as ("qualified" | "unqualified", date), or None while not concluded."""
    row = db.session.execute(select(PoliticalReview.conclusion, PoliticalReview.concluded_on).where(
        PoliticalReview.user_id == person.id, PoliticalReview.conclusion.is_not(None))).first()
    return (row.conclusion.value, row.concluded_on) if row else None


def record_read(actor, person: User, page: str) -> PoliticalReview | None:
    """Audit that the actor opened a page of the person's dossier; returns the dossier (or None)."""
    if not can_read_review(actor, person):
        raise NotAllowed()
    review = review_of(person)
    audit.record(actor, "political_review.read", review if review is not None else ("users", person.id),
                 branch=person.branch, summary=person.name, page=page, person_id=person.id)
    return review


def _text(value: str | None, field: str, reasons: list) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        reasons.append((field, _("At most %(n)d characters.", n=MAX_TEXT)))
    return value


def _past(value: date | None, field: str, reasons: list) -> None:
    if value is not None and value > clock.today():
        reasons.append((field, _("The date may not be in the future.")))


def _keeper(actor, person: User) -> PoliticalReview:
    if not can_edit_review(actor, person):
        raise NotAllowed()
    review = review_of(person)
    if review is None:
        review = PoliticalReview(user_id=person.id)
        db.session.add(review)
        db.session.flush()
    return review


@dataclass
class ReviewInput:
    own_record: str = ""
    discipline_opinion: str = ""
    discipline_opinion_on: date | None = None
    hr_opinion: str = ""
    hr_opinion_on: date | None = None
    conclusion: Conclusion | str | None = None
    concluded_on: date | None = None
    conclusion_note: str = ""


def _conclusion_reasons(review: PoliticalReview, values: dict) -> list:
    """What a conclusion needs: the person's own record, both departments' opinions, every letter answered."""
    reasons = []
    if values["conclusion"] is None:
        if values["concluded_on"] is not None:
            reasons.append(("conclusion", _("Choose the conclusion for the date given.")))
        return reasons
    if values["concluded_on"] is None:
        reasons.append(("concluded_on", _("Give the date of the conclusion.")))
    if not values["own_record"]:
        reasons.append(("own_record", _("Describe the person's own political record before concluding.")))
    for name, label in (("discipline_opinion", _("the discipline inspection department")),
                        ("hr_opinion", _("the personnel department"))):
        if not values[name] or values[f"{name}_on"] is None:
            reasons.append((name, _("The opinion of %(who)s and its date are needed before concluding.", who=label)))
    for letter in review.letters:
        if letter.returned_on is None:
            reasons.append(("conclusion", _("The letter of inquiry to %(to)s has not come back yet.", to=letter.addressee)))
    if values["conclusion"] == Conclusion.unqualified and not values["conclusion_note"]:
        reasons.append(("conclusion_note", _("Say why the review is not passed.")))
    day = values["concluded_on"]
    if day is not None:
        earlier = [d for d in (values["discipline_opinion_on"], values["hr_opinion_on"],
                               *(letter.returned_on for letter in review.letters)) if d is not None]
        if earlier and day < max(earlier):
            reasons.append(("concluded_on", _("The conclusion cannot come before the opinions and letters it rests on.")))
    return reasons


def update_review(actor, person: User, data: ReviewInput) -> PoliticalReview:
    """Write the person's own record, the two departments' opinions and the conclusion (audited)."""
    review = _keeper(actor, person)
    reasons: list = []
    values = {name: _text(getattr(data, name), name, reasons)
              for name in ("own_record", "discipline_opinion", "hr_opinion", "conclusion_note")}
    for name in ("discipline_opinion_on", "hr_opinion_on", "concluded_on"):
        values[name] = getattr(data, name)
        _past(values[name], name, reasons)
    try:
        values["conclusion"] = Conclusion(data.conclusion) if data.conclusion else None
    except ValueError:
        values["conclusion"] = None
        reasons.append(("conclusion", _("Choose qualified or unqualified.")))
    reasons += _conclusion_reasons(review, values)
    if reasons:
        raise DomainError(reasons)
    before = review.snapshot()
    for name, value in values.items():
        setattr(review, name, value)
    if review.snapshot() == before:
        return review
    review.updated_at = clock.now()
    db.session.flush()
    concluded = review.conclusion is not None and before["conclusion"] != review.conclusion
    audit.record(actor, "political_review.conclude" if concluded else "political_review.update", review,
                 branch=person.branch, summary=person.name + (f" · {review.conclusion.chinese}" if concluded else ""),
                 before=before, after=review.snapshot())
    if concluded:
        # The conclusion is the development file's step 政治审查, with the same date and result: the
        # later steps' guards read it there. The step's own requirements apply (发展对象 first).
        development.record_step(actor, person, "political_review", review.concluded_on,
                                data={"conclusion": review.conclusion.value},
                                note=_("Concluded in the political review dossier."))
    return review


def _unconcluded(review: PoliticalReview) -> None:
    if review.conclusion is not None:
        raise DomainError(_("The review is concluded: clear the conclusion before changing what it rests on."))


@dataclass
class RelativeInput:
    relation: str
    name: str
    political_status: str = ""
    employer: str = ""
    opinion: str = ""


def _relative_values(data: RelativeInput) -> dict:
    reasons: list = []
    values = {"relation": (data.relation or "").strip(), "name": (data.name or "").strip(),
              "political_status": (data.political_status or "").strip(), "employer": (data.employer or "").strip(),
              "opinion": _text(data.opinion, "opinion", reasons)}
    if not values["relation"]:
        reasons.append(("relation", _("Give the relation (e.g. father, spouse).")))
    if not values["name"]:
        reasons.append(("name", _("Give the name.")))
    for name, limit in (("relation", 40), ("name", 80), ("political_status", 40), ("employer", 200)):
        if len(values[name]) > limit:
            reasons.append((name, _("At most %(n)d characters.", n=limit)))
    if reasons:
        raise DomainError(reasons)
    return values


def _add_part(actor, person: User, model, values, kind: str, label):
    """Add a relative or a letter to the person's dossier (open, and kept by the actor); audited."""
    review = _keeper(actor, person)
    _unconcluded(review)
    part = model(review=review, **values())
    db.session.add(part)
    db.session.flush()
    audit.record(actor, f"political_review.{kind}_add", review, branch=person.branch,
                 summary=f"{person.name} · {label(part)}", after=part.snapshot())
    return part


def _update_part(actor, part, values, kind: str, label):
    person = part.review.user
    _keeper(actor, person)
    _unconcluded(part.review)
    before = part.snapshot()
    for name, value in values().items():
        setattr(part, name, value)
    if part.snapshot() != before:
        db.session.flush()
        audit.record(actor, f"political_review.{kind}_update", part.review, branch=person.branch,
                     summary=f"{person.name} · {label(part)}", before=before, after=part.snapshot())
    return part


def _delete_part(actor, part, parts: str, kind: str, label) -> None:
    review, person = part.review, part.review.user
    _keeper(actor, person)
    _unconcluded(review)
    audit.record(actor, f"political_review.{kind}_delete", review, branch=person.branch,
                 summary=f"{person.name} · {label(part)}", before=part.snapshot())
    getattr(review, parts).remove(part)
    db.session.flush()


def _relation(relative: ReviewRelative) -> str:
    return relative.relation


def add_relative(actor, person: User, data: RelativeInput) -> ReviewRelative:
    return _add_part(actor, person, ReviewRelative, lambda: _relative_values(data), "relative", _relation)


def update_relative(actor, relative: ReviewRelative, data: RelativeInput) -> ReviewRelative:
    return _update_part(actor, relative, lambda: _relative_values(data), "relative", _relation)


def delete_relative(actor, relative: ReviewRelative) -> None:
    _delete_part(actor, relative, "relatives", "relative", _relation)


@dataclass
class LetterInput:
    addressee: str
    sent_on: date | None
    subject: str = ""
    returned_on: date | None = None
    result: str = ""


def _letter_values(data: LetterInput) -> dict:
    reasons: list = []
    values = {"addressee": (data.addressee or "").strip(), "subject": (data.subject or "").strip(),
              "sent_on": data.sent_on, "returned_on": data.returned_on, "result": _text(data.result, "result", reasons)}
    if not values["addressee"]:
        reasons.append(("addressee", _("Say to whom the letter went.")))
    elif len(values["addressee"]) > 200:
        reasons.append(("addressee", _("At most %(n)d characters.", n=200)))
    if len(values["subject"]) > 200:
        reasons.append(("subject", _("At most %(n)d characters.", n=200)))
    if values["sent_on"] is None:
        reasons.append(("sent_on", _("Give the date the letter was sent.")))
    _past(values["sent_on"], "sent_on", reasons)
    _past(values["returned_on"], "returned_on", reasons)
    if values["sent_on"] and values["returned_on"] and values["returned_on"] < values["sent_on"]:
        reasons.append(("returned_on", _("The answer cannot come back before the letter was sent.")))
    if values["returned_on"] is not None and not values["result"]:
        reasons.append(("result", _("Record what the answer said.")))
    if reasons:
        raise DomainError(reasons)
    return values


def _addressee(letter: InquiryLetter) -> str:
    return letter.addressee


def add_letter(actor, person: User, data: LetterInput) -> InquiryLetter:
    return _add_part(actor, person, InquiryLetter, lambda: _letter_values(data), "letter", _addressee)


def update_letter(actor, letter: InquiryLetter, data: LetterInput) -> InquiryLetter:
    return _update_part(actor, letter, lambda: _letter_values(data), "letter", _addressee)


def delete_letter(actor, letter: InquiryLetter) -> None:
    _delete_part(actor, letter, "letters", "letter", _addressee)
