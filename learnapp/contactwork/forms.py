"""Forms of the training contact's work and of the political review."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from learnapp.contactwork.models import Conclusion, TalkForm, TalkKind
from learnapp.form_fields import DateField, RadioField, SelectField


class TalkEntryForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[InputRequired(_l("Give the date of the talk."))])
    form = RadioField(_l("Form"), validators=[InputRequired(_l("Choose how the talk was held."))])
    place = StringField(_l("Place"), validators=[Length(max=120)], description=_l("E.g. the branch office; empty for a phone call."))
    kind = SelectField(_l("Kind of talk"))
    topics = StringField(_l("Topics"), validators=[DataRequired(_l("Say what the talk was about.")), Length(max=300)],
                         description=_l("A few words, e.g. study of the Party Constitution, work, family."))
    summary = TextAreaField(_l("Summary of the talk"), validators=[DataRequired(_l("Write a short summary of the talk.")), Length(max=5000)],
                            description=_l("What the person said and what you advised. Not shown to the person."))
    follow_up = TextAreaField(_l("Follow-up"), validators=[Length(max=5000)],
                              description=_l("What was agreed: books to read, points to improve, next talk."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.choices = [(f.value, f.label) for f in TalkForm]
        self.kind.choices = [(k.value, k.label) for k in TalkKind]


class ReportForm(FlaskForm):
    quarter = SelectField(_l("Quarter"), validators=[InputRequired(_l("Choose the quarter."))])
    title = StringField(_l("Title"), validators=[Length(max=120)], description=_l("Optional, e.g. 学习党的二十大精神的体会."))
    body = TextAreaField(_l("Text of the report"), validators=[Length(max=20000)],
                         description=_l("Your draft is saved as you type; you can come back to it later."))
    file = FileField(_l("Or attach the report as a file"), description=_l("PDF, Word (DOCX) or a photo (PNG, JPEG, WebP)."))


class ReadForm(FlaskForm):
    comment = TextAreaField(_l("Comment for the person"), validators=[DataRequired(_l("Write a comment for the person: what you noticed, what to work on.")),
                                                                      Length(max=2000)])


class DeleteForm(FlaskForm):
    reason = TextAreaField(_l("Reason for deleting"), validators=[DataRequired(_l("Give the reason for deleting.")), Length(max=500)])


class ReviewForm(FlaskForm):
    own_record = TextAreaField(_l("The person's own record"), validators=[Length(max=5000)],
                               description=_l("Political history, attitude, conduct at work and in daily life, as found by talks and the personnel file."))
    discipline_opinion = TextAreaField(_l("Opinion of the discipline inspection department"), validators=[Length(max=5000)])
    discipline_opinion_on = DateField(_l("Date of that opinion"), validators=[Optional()])
    hr_opinion = TextAreaField(_l("Opinion of the personnel department"), validators=[Length(max=5000)])
    hr_opinion_on = DateField(_l("Date of that opinion"), validators=[Optional()])
    conclusion = RadioField(_l("Review conclusion"), validators=[Optional()])
    concluded_on = DateField(_l("Date of the conclusion"), validators=[Optional()])
    conclusion_note = TextAreaField(_l("Note on the conclusion"), validators=[Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conclusion.choices = [("", _l("Not concluded"))] + [(c.value, c.label) for c in Conclusion]


class RelativeForm(FlaskForm):
    relation = StringField(_l("Relation"), validators=[DataRequired(_l("Give the relation (e.g. father, spouse).")), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the name.")), Length(max=80)])
    political_status = StringField(_l("Political status"), validators=[Length(max=40)],
                                   description=_l("E.g. 中共党员, 群众."))
    employer = StringField(_l("Employer and post"), validators=[Length(max=200)])
    opinion = TextAreaField(_l("Findings"), validators=[Length(max=5000)])


class LetterForm(FlaskForm):
    addressee = StringField(_l("Sent to"), validators=[DataRequired(_l("Say to whom the letter went.")), Length(max=200)])
    subject = StringField(_l("About"), validators=[Length(max=200)], description=_l("Whom or what the inquiry is about."))
    sent_on = DateField(_l("Sent on"), validators=[InputRequired(_l("Give the date the letter was sent."))])
    returned_on = DateField(_l("Answer returned on"), validators=[Optional()])
    result = TextAreaField(_l("What the answer said"), validators=[Length(max=5000)])
