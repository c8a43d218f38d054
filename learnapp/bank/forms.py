"""Forms of the question bank: categories, the question editor (one form, fields by kind), import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from learnapp.bank.formats import FORMATS
from learnapp.bank.formats.base import OPTION_KEYS, ParsedQuestion, even_fractions, split_list
from learnapp.bank.models import QuestionKind
from learnapp.form_fields import RadioField, SelectField, SelectMultipleField

FORM_OPTIONS = OPTION_KEYS[:8]  # the editor offers A–H; imports may bring more


class CategoryForm(FlaskForm):
    name = StringField(_l("Category name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    parent_id = SelectField(_l("Parent category"), coerce=int, validate_choice=False)
    branch_id = SelectField(_l("Whose bank"), coerce=int, validate_choice=False,
                            description=_l("A top-level category belongs to the committee's bank or to one branch's bank."))


class QuestionForm(FlaskForm):
    category_id = SelectField(_l("Category"), coerce=int, validators=[InputRequired()])
    title = StringField(_l("Short title"), validators=[Optional(), Length(max=255)],
                        description=_l("Optional; shown in lists instead of the start of the text."))
    stem = TextAreaField(_l("Question text"), validators=[DataRequired(), Length(max=20000)],
                         description=_l("Markdown allowed. For fill-in-the-blank, mark each blank with ____ (four or more underscores)."))
    correct = SelectMultipleField(_l("Correct options"), choices=[(k, k) for k in FORM_OPTIONS], validate_choice=False)
    tf_answer = RadioField(_l("Correct answer"), choices=[("true", _l("True")), ("false", _l("False"))], validators=[Optional()])
    blanks = TextAreaField(_l("Accepted answers"), validators=[Optional(), Length(max=5000)],
                           description=_l("One line per blank, in order; separate alternative answers for a blank with |. "
                                          "Matching ignores full-/half-width, spaces, punctuation and case."))
    reference_answer = TextAreaField(_l("Reference answer for the grader"), validators=[Optional(), Length(max=20000)])
    explanation = TextAreaField(_l("Explanation"), validators=[Optional(), Length(max=20000)])
    source = StringField(_l("Source document"), validators=[Optional(), Length(max=300)],
                         description=_l("The document and, where it applies, chapter and article, e.g. "
                                        "《中国共产党章程》第一章第七条 or 党章第七条; or just 党章, 准则, 党史."))
    knowledge_points = StringField(_l("Knowledge points"), validators=[Optional(), Length(max=1000)],
                                   description=_l("Separate several with ； or 、"))
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=1000)], description=_l("Separate several with ； or 、"))
    difficulty = SelectField(_l("Difficulty"), choices=[(0, "—")] + [(i, str(i)) for i in range(1, 6)], coerce=int)
    default_points = IntegerField(_l("Default points"), default=1, validators=[InputRequired(), NumberRange(min=0, max=1000)])
    change_note = StringField(_l("What changed"), validators=[Optional(), Length(max=255)])

    def option_rows(self):
        """(key, text field, fraction field, checked) for the template's option table."""
        chosen = set(self.correct.data or [])
        return [(k, getattr(self, f"option_{k}"), getattr(self, f"fraction_{k}"), k in chosen) for k in FORM_OPTIONS]

    def fill_from(self, version) -> None:
        """Load a stored version into the form (for editing)."""
        self.title.data = version.title or ""
        self.stem.data = version.stem
        self.explanation.data = version.explanation
        self.reference_answer.data = version.reference_answer
        self.source.data = version.citation or version.source or ""
        self.knowledge_points.data = "；".join(version.knowledge_points or [])
        self.tags.data = "；".join(version.tags or [])
        self.difficulty.data = version.difficulty or 0
        self.default_points.data = version.default_points
        options = version.options or []
        fractions = [int(o.get("fraction", 0)) for o in options]
        custom = fractions != even_fractions([f > 0 for f in fractions])
        for key in FORM_OPTIONS:
            getattr(self, f"option_{key}").data = ""
            getattr(self, f"fraction_{key}").data = None
        for key, option in zip(FORM_OPTIONS, options, strict=False):
            getattr(self, f"option_{key}").data = option.get("text", "")
            if custom:
                getattr(self, f"fraction_{key}").data = int(option.get("fraction", 0))
        self.correct.data = [k for k, o in zip(FORM_OPTIONS, options, strict=False) if int(o.get("fraction", 0)) > 0]
        if version.kind == QuestionKind.truefalse:
            self.tf_answer.data = "true" if version.answer else "false"
        if version.kind == QuestionKind.fill_blank:
            self.blanks.data = "\n".join(" | ".join(b) for b in version.answer or [])

    def to_parsed(self, kind: QuestionKind, extra_options: list[dict] | None = None) -> ParsedQuestion:
        """The form's content as a question in the intermediate form (validated by the service)."""
        pq = ParsedQuestion(
            kind=kind, stem=self.stem.data or "", title=self.title.data or None, explanation=self.explanation.data or "",
            source=self.source.data or None, knowledge_points=split_list(self.knowledge_points.data),
            tags=split_list(self.tags.data), difficulty=self.difficulty.data or None,
            default_points=self.default_points.data if self.default_points.data is not None else 1,
        )
        if kind.is_choice:
            chosen = set(self.correct.data or [])
            rows = [(k, (getattr(self, f"option_{k}").data or "").strip(), getattr(self, f"fraction_{k}").data)
                    for k in FORM_OPTIONS]
            rows = [r for r in rows if r[1]]
            given = [f for _k, _t, f in rows if f is not None]
            if given and len(given) == len(rows):
                fractions = [int(f) for _k, _t, f in rows]  # explicit weights for every option
            else:
                fractions = even_fractions([k in chosen for k, _t, _f in rows])
                if kind == QuestionKind.single and sum(1 for f in fractions if f > 0) > 1:
                    fractions = [0] * len(rows)  # several "correct" ticks on a single choice: let validation say so
            pq.options = [{"key": OPTION_KEYS[i], "text": t, "fraction": f} for i, ((_k, t, _f), f) in enumerate(zip(rows, fractions, strict=True))]
            pq.options += extra_options or []
        elif kind == QuestionKind.truefalse:
            pq.answer = {"true": True, "false": False}.get(self.tf_answer.data or "")
        elif kind == QuestionKind.fill_blank:
            lines = [line for line in (self.blanks.data or "").splitlines() if line.strip()]
            pq.answer = [[a.strip() for a in line.replace("｜", "|").split("|") if a.strip()] for line in lines]
        else:
            pq.reference_answer = self.reference_answer.data or ""
        return pq


for _key in FORM_OPTIONS:
    setattr(QuestionForm, f"option_{_key}", StringField(_l("Option %(key)s", key=_key), validators=[Optional(), Length(max=2000)]))
    setattr(QuestionForm, f"fraction_{_key}", IntegerField(_l("Weight of %(key)s (percent)", key=_key),
                                                            validators=[Optional(), NumberRange(min=-100, max=100)]))


class ImportForm(FlaskForm):
    file = FileField(_l("Question file"), validators=[FileRequired()],
                     description=_l("GIFT, Aiken or Moodle XML (.txt, .gift, .xml), or the XLSX/CSV template."))
    format = SelectField(_l("Format"), choices=[("auto", _l("Detect from the file"))] + [(f, f) for f in FORMATS], default="auto")
    category_id = SelectField(_l("Import into"), coerce=int,
                              description=_l("Categories named in the file are created below this one."))

    def validate_category_id(self, field):
        if field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Choose a category you may change."))


class ConfirmImportForm(FlaskForm):
    duplicates = RadioField(_l("Questions already in the bank"), default="skip",
                            choices=[("skip", _l("Leave them out")), ("import", _l("Import them anyway"))])
