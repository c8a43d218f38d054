"""Forms of the ledger: claims, decisions, adjustments, activities, attendance, rules, year close."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from learnapp.accounts.models import STAGE_LABELS, Stage
from learnapp.form_fields import DateField, SelectField, SelectMultipleField, TimeField
from learnapp.ledger.models import OFFLINE_CATEGORIES


def parse_credit(text: str) -> int:
    """'1.5' → 150 hundredths; at most two decimals, no floats on the way."""
    try:
        value = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError("not a number") from None
    hundredths = value * 100
    if not value.is_finite() or hundredths != hundredths.to_integral_value():
        raise ValueError("more than two decimals")
    return int(hundredths)


def _credit_validator(form, field):
    try:
        field.hundredths = parse_credit(field.data)
    except ValueError:
        raise ValidationError(_l("Enter study hours as a number with at most two decimals, e.g. 2 or -0.5.")) from None
    if abs(field.hundredths) > 100_000:
        raise ValidationError(_l("At most 1000 study hours."))


def category_choices():
    return [(c.value, c.label) for c in OFFLINE_CATEGORIES]


class ScheduleFields:
    """Mixin: first day, times, optional last day."""

    start_date = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter the date."))])
    start_time = TimeField(_l("Start time"), validators=[DataRequired(message=_l("Enter the start time."))])
    end_time = TimeField(_l("End time"), validators=[DataRequired(message=_l("Enter the end time."))])
    end_date = DateField(_l("Last day (for study over several days)"), validators=[Optional()],
                         description=_l("Leave empty when it took one day; the times then apply to each day."))


class ClaimForm(ScheduleFields, FlaskForm):
    category = SelectField(_l("Kind of study"), choices=category_choices, validators=[DataRequired()])
    title = StringField(_l("What was it"), validators=[DataRequired(), Length(max=200)],
                        description=_l("E.g. a visit to the city's revolutionary history museum."))
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    evidence = MultipleFileField(_l("Evidence (photos or PDF)"),
                                 description=_l("PNG, JPEG, WebP or PDF; up to 5 files of at most 10 MB each."))


class ApproveForm(FlaskForm):
    note = TextAreaField(_l("Reviewer's note (optional)"), validators=[Optional(), Length(max=1000)])


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason for rejecting"), validators=[DataRequired(message=_l("Give the reason.")), Length(max=1000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=_l("Give the reason.")), Length(max=1000)])


class AdjustmentForm(FlaskForm):
    login_id = StringField(_l("Person's login ID"), validators=[DataRequired(), Length(max=64)])
    credit = StringField(_l("Study hours (negative to deduct)"), validators=[DataRequired(), _credit_validator])
    occurred_on = DateField(_l("Counts on date"), validators=[DataRequired()],
                            description=_l("The date decides the training year the adjustment counts in."))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=_l("Give the reason.")), Length(max=1000)])


class ActivityForm(ScheduleFields, FlaskForm):
    branch_id = SelectField(_l("Organising branch"), coerce=int, validators=[DataRequired()])
    category = SelectField(_l("Kind of activity"), choices=category_choices, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    organiser = StringField(_l("Organiser or speaker"), validators=[Optional(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    audience = SelectMultipleField(_l("Audience (branches)"), coerce=int,
                                   validators=[DataRequired(message=_l("Choose at least one branch."))],
                                   description=_l("Everyone in these branches and the branches under them is invited."))
    stages = SelectMultipleField(_l("Only these stages (none chosen: everyone)"),
                                 choices=[(s.value, STAGE_LABELS[s]) for s in Stage], validators=[Optional()])


class RosterForm(FlaskForm):
    reason = StringField(_l("Reason for removing someone already marked present"), validators=[Optional(), Length(max=500)])


class SheetForm(FlaskForm):
    file = FileField(_l("Sign-in sheet (XLSX)"), validators=[FileRequired(message=_l("Choose the XLSX file."))])


class CheckinForm(FlaskForm):
    code = StringField(_l("Check-in code"), validators=[DataRequired(message=_l("Enter the code shown at the activity.")),
                                                        Length(max=12)],
                       render_kw={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9 ]*"})


class RulesForm(FlaskForm):
    source_text = TextAreaField(_l("Rules (YAML)"), validators=[DataRequired()], render_kw={"rows": 30, "spellcheck": "false"})
    note = StringField(_l("What changed and why"), validators=[DataRequired(message=_l("Say what changed and why.")),
                                                               Length(max=500)])
