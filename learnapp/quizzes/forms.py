"""Forms of the quizzes domain; labels and errors are translated (Chinese first)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from learnapp import clock
from learnapp.accounts.models import STAGE_LABELS, Stage
from learnapp.form_fields import DateTimeLocalField, SelectField, SelectMultipleField
from learnapp.quizzes.models import LABELS, ChoiceScoring, GradingMethod, QuizKind, ReviewItem


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def to_utc(local: datetime | None) -> datetime | None:
    """A naive local date-time from a form as a UTC moment."""
    if local is None:
        return None
    return local.replace(tzinfo=clock.local_tz()).astimezone(UTC)


def to_local_naive(moment: datetime | None) -> datetime | None:
    """A UTC moment as the naive local date-time a datetime-local input shows."""
    return None if moment is None else clock.to_local(moment).replace(tzinfo=None)


class QuizForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter a title.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)],
                                description=_l("Shown to learners before they start. Markdown is allowed."))
    branch_id = SelectField(_l("Owning branch"), coerce=int,
                            description=_l("Admins of this branch manage the quiz; its people are the default audience."))
    kind = SelectField(_l("Kind"), choices=[(k.value, LABELS[k]) for k in QuizKind], default=QuizKind.assessment.value,
                       description=_l("Practice: unlimited attempts, results seen only by the learner. Assessment: counts in the assessment record."))
    opens_at = DateTimeLocalField(_l("Opens at"), validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes at"), validators=[Optional()])
    time_limit_minutes = IntegerField(_l("Time limit (minutes)"), validators=[Optional(), NumberRange(min=1, max=600, message=_l("Between 1 and 600 minutes."))],
                                      description=_l("Empty: no limit. The deadline never runs past the close time."))
    max_attempts = IntegerField(_l("Attempts allowed"), validators=[Optional(), NumberRange(min=1, max=100, message=_l("Between 1 and 100."))],
                                description=_l("Empty: unlimited."))
    grading_method = SelectField(_l("Result over attempts"), choices=[(g.value, LABELS[g]) for g in GradingMethod])
    pass_percent = IntegerField(_l("Pass mark (%)"), default=60,
                                validators=[InputRequired(message=_l("Enter the pass mark.")), NumberRange(min=0, max=100, message=_l("Between 0 and 100."))])
    choice_scoring = SelectField(_l("Multiple choice and several blanks"), choices=[(c.value, LABELS[c]) for c in ChoiceScoring])
    shuffle_questions = BooleanField(_l("Shuffle questions for each attempt"), default=True)
    shuffle_options = BooleanField(_l("Shuffle the options of choice questions"), default=True)
    review_after_submit = MultiCheckboxField(_l("Right after submitting, the learner sees"),
                                             choices=[(r.value, LABELS[r]) for r in ReviewItem])
    review_after_close = MultiCheckboxField(_l("After the quiz closes, the learner sees"),
                                            choices=[(r.value, LABELS[r]) for r in ReviewItem])
    credit_on_pass = BooleanField(_l("Passing credits study hours (once, by the year's rules)"), default=True)
    avoids_assessment_questions = BooleanField(
        _l("Practice only: draw no question that an assessment quiz of the same period uses"), default=False,
        description=_l("Questions fixed in an assessment quiz open at the same time, or already drawn into its attempts, "
                       "are left out of this practice quiz's random draws."))

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The quiz must close after it opens."))

    def values(self) -> dict:
        """The settings for the services (times in UTC, pass mark in hundredths of a percent)."""
        return {
            "title": self.title.data, "description": self.description.data or "", "kind": QuizKind(self.kind.data),
            "opens_at": to_utc(self.opens_at.data), "closes_at": to_utc(self.closes_at.data),
            "time_limit_minutes": self.time_limit_minutes.data, "max_attempts": self.max_attempts.data,
            "grading_method": GradingMethod(self.grading_method.data), "pass_bp": int(self.pass_percent.data) * 100,
            "choice_scoring": ChoiceScoring(self.choice_scoring.data), "shuffle_questions": self.shuffle_questions.data,
            "shuffle_options": self.shuffle_options.data, "review_after_submit": list(self.review_after_submit.data or []),
            "review_after_close": list(self.review_after_close.data or []), "credit_on_pass": self.credit_on_pass.data,
            "avoids_assessment_questions": self.avoids_assessment_questions.data,
        }

    def fill_from(self, quiz) -> None:
        for name in ("title", "description", "time_limit_minutes", "max_attempts", "shuffle_questions", "shuffle_options",
                     "review_after_submit", "review_after_close", "credit_on_pass", "avoids_assessment_questions"):
            getattr(self, name).data = getattr(quiz, name)
        self.kind.data = quiz.kind.value
        self.grading_method.data = quiz.grading_method.value
        self.choice_scoring.data = quiz.choice_scoring.value
        self.pass_percent.data = quiz.pass_bp // 100
        self.opens_at.data = to_local_naive(quiz.opens_at)
        self.closes_at.data = to_local_naive(quiz.closes_at)
        self.branch_id.data = quiz.branch_id


class AudienceForm(FlaskForm):
    branches = MultiCheckboxField(_l("Branches (with the branches under them)"), coerce=int)
    stages = MultiCheckboxField(_l("Stages"), choices=[(s.value, STAGE_LABELS[s]) for s in Stage],
                                description=_l("None ticked: every stage in the chosen branches."))
    people = TextAreaField(_l("Named people"), validators=[Optional(), Length(max=20000)],
                           description=_l("Login IDs, separated by spaces, commas or new lines. They take the quiz whatever their branch or stage."))

    def login_ids(self) -> list[str]:
        raw = (self.people.data or "").replace("，", ",").replace(",", " ").split()
        return list(dict.fromkeys(x.strip() for x in raw if x.strip()))


class DrawForm(FlaskForm):
    category_id = SelectField(_l("Category"), coerce=int, validate_choice=False)
    include_subcategories = BooleanField(_l("Include subcategories"), default=True)
    tag = StringField(_l("Tag"), validators=[Optional(), Length(max=80)],
                      description=_l("Only questions with this tag (for example 纪律)."))
    count = IntegerField(_l("Number of questions"), default=5,
                         validators=[InputRequired(message=_l("Enter how many questions to draw.")), NumberRange(min=1, max=200, message=_l("Between 1 and 200."))])
    points = IntegerField(_l("Points per question"), validators=[Optional(), NumberRange(min=0, max=100, message=_l("Between 0 and 100."))],
                          description=_l("Empty: each question's own points."))


class FixedForm(FlaskForm):
    question_ids = SelectMultipleField(_l("Questions"), coerce=int, validate_choice=False,
                                       validators=[DataRequired(message=_l("Tick at least one question."))])
    points = IntegerField(_l("Points per question"), validators=[Optional(), NumberRange(min=0, max=100, message=_l("Between 0 and 100."))],
                          description=_l("Empty: each question's own points."))


class GradeForm(FlaskForm):
    score = StringField(_l("Score"), validators=[DataRequired(message=_l("Enter a score."))])
    feedback = TextAreaField(_l("Feedback to the learner"), validators=[Optional(), Length(max=4000)])

    def score_hundredths(self) -> int | None:
        """The typed score in hundredths of a point (exact decimal arithmetic), or None if unreadable."""
        try:
            value = Decimal((self.score.data or "").strip().replace("，", "."))
        except InvalidOperation:
            return None
        if not value.is_finite() or value != value.quantize(Decimal("0.01")):
            return None
        return int(value * 100)

    def validate_score(self, field):
        if self.score_hundredths() is None:
            raise ValidationError(_l("Enter a number with at most two decimals."))
