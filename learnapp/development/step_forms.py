"""Forms of the development pages: recording a step, submitting a filing, deciding one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    IntegerField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from learnapp.form_fields import DateField, SelectField, SelectMultipleField

ATTACHMENTS_HINT = _l("PNG, JPEG, WebP or PDF; up to 5 files of at most 10 MB each.")


class StepForm(FlaskForm):
    """The fields every step has; `step_form(code, ...)` adds the step's own fields."""

    done_on = DateField(_l("Date"), validators=[DataRequired(message=_l("Give the date."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    attachments = MultipleFileField(_l("Attachments (scans or photos)"), description=ATTACHMENTS_HINT)

    def step_data(self) -> dict:
        """The step's own facts, as the engine keeps them in `data`."""
        return {}


class ExceptionFields:
    """Only on a committee admin's form: record the step although requirements are unmet."""

    as_exception = BooleanField(_l("Record as a committee exception although requirements are unmet"))
    exception_reason = TextAreaField(_l("Reason for the exception"), validators=[Optional(), Length(max=2000)],
                                     description=_l("Required for an exception; it is audited and listed in the compliance report."))

    def validate_exception_reason(self, field):
        if self.as_exception.data and not (field.data or "").strip():
            raise ValidationError(_l("Give the reason for the exception."))


class RecommendationFields:
    method = SelectField(_l("How recommended"), validators=[DataRequired()])

    def step_data(self) -> dict:
        return {"method": self.method.data}


class VoteFields:
    members_entitled = IntegerField(_l("Members with the right to vote"), validators=[InputRequired(), NumberRange(min=1)])
    members_present = IntegerField(_l("Members present"), validators=[InputRequired(), NumberRange(min=0)])
    votes_for = IntegerField(_l("Votes for"), validators=[InputRequired(), NumberRange(min=0)])
    votes_against = IntegerField(_l("Votes against"), validators=[InputRequired(), NumberRange(min=0)])
    abstentions = IntegerField(_l("Abstentions"), validators=[InputRequired(), NumberRange(min=0)])

    def step_data(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("votes_for", "votes_against", "abstentions", "members_present", "members_entitled")}


class PeopleFields:
    """Two people picked from the full members (introducers; training contacts)."""

    def picked(self) -> list[int]:
        ids = [self.first.data, self.second.data]
        return [i for i in ids if i]


class IntroducerFields(PeopleFields):
    first = SelectField(_l("First introducer"), coerce=int, validators=[DataRequired(message=_l("Choose a person."))])
    second = SelectField(_l("Second introducer"), coerce=int, validators=[DataRequired(message=_l("Choose a person."))])

    def step_data(self) -> dict:
        return {"introducer_ids": self.picked()}


class ContactFields(PeopleFields):
    first = SelectField(_l("Training contact"), coerce=int, validators=[DataRequired(message=_l("Choose a person."))])
    second = SelectField(_l("Second training contact (optional)"), coerce=int, validators=[Optional()])

    def step_data(self) -> dict:
        return {"contact_ids": self.picked()}


class ReviewFields:
    conclusion = SelectField(_l("Conclusion"), choices=[("qualified", _l("Qualified")), ("unqualified", _l("Not qualified"))],
                             validators=[DataRequired()])

    def step_data(self) -> dict:
        return {"conclusion": self.conclusion.data}


class ExtensionFields:
    months = IntegerField(_l("Extended by (months)"), validators=[InputRequired(), NumberRange(min=1, max=24)],
                          description=_l("At least 6 and at most 12 months."))

    def step_data(self) -> dict:
        return {"months": self.months.data}


# The step's own fields, by step code.
STEP_FIELDS = {
    "activist_recommended": RecommendationFields,
    "branch_meeting_admission": VoteFields,
    "branch_meeting_full": VoteFields,
    "introducers_assigned": IntroducerFields,
    "contacts_assigned": ContactFields,
    "political_review": ReviewFields,
    "probation_extended": ExtensionFields,
}


def step_form(code: str, *, exception: bool):
    """The form class for recording `code`: the common fields, the step's own, the exception option."""
    bases = [b for b in (STEP_FIELDS.get(code), ExceptionFields if exception else None) if b]
    cls = type(f"StepForm_{code}", (*bases, StepForm), {})
    return cls()


class FilingForm(FlaskForm):
    """A branch's batch filing: the people ticked, the date, the note and the scanned filing form."""

    person_id = SelectMultipleField(_l("People"), coerce=int, validators=[DataRequired(message=_l("Tick the people to file."))])
    done_on = DateField(_l("Date of the filing"), validators=[DataRequired(message=_l("Give the date."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    attachments = MultipleFileField(_l("Attachments (scans or photos)"), description=ATTACHMENTS_HINT)


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("Reason for returning"), validators=[DataRequired(message=_l("Give the reason.")), Length(max=2000)])


class AcceptForm(FlaskForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
    exception_reason = TextAreaField(_l("Reason for accepting despite unmet requirements"),
                                     validators=[Optional(), Length(max=2000)])
