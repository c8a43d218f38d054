"""Forms of the assessments domain."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from learnapp.assessments.models import Grade
from learnapp.assessments.services import MAX_COMMENT
from learnapp.form_fields import RadioField, SelectField


def grade_choices() -> list[tuple[str, str]]:
    return [(g.value, f"{g.chinese} · {g.label}" if g.label != g.chinese else g.chinese) for g in Grade]


class AssessmentForm(FlaskForm):
    period = SelectField(_l("Period"), validators=[InputRequired(_l("Choose the period."))])
    grade = RadioField(_l("Grade"), validators=[InputRequired(_l("Choose a grade."))])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=MAX_COMMENT)],
                            description=_l("What went well, what to improve. Required for 基本合格 and 不合格."))

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.period.choices = [(p.value, p.label) for p in periods]
        self.grade.choices = grade_choices()


class EditAssessmentForm(FlaskForm):
    grade = RadioField(_l("Grade"), validators=[InputRequired(_l("Choose a grade."))])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=MAX_COMMENT)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grade.choices = grade_choices()


class DeleteAssessmentForm(FlaskForm):
    reason = TextAreaField(_l("Reason for deleting"), validators=[DataRequired(_l("Give the reason for deleting.")),
                                                                   Length(max=500)])
