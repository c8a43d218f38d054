"""Forms of the materials domain (every field labelled, errors shown on the field)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from learnapp.accounts.models import Stage
from learnapp.form_fields import DateField, SelectField
from learnapp.materials.models import MaterialKind, MaterialStatus


def kind_choices():
    return [(k.value, k.label) for k in MaterialKind]


def status_choices():
    return [(s.value, s.label) for s in MaterialStatus]


class MaterialForm(FlaskForm):
    slug = StringField(_l("Slug (address name)"), validators=[DataRequired(), Length(max=120)],
                       description=_l("Lower-case letters, digits and hyphens; used in the address and by content files. Cannot be changed later."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Optional(), Length(max=200_000)],
                         description=_l("Markdown: # headings, **bold**, lists, > quotes, tables. Scripts and unsafe HTML are removed."))
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    source = StringField(_l("Source document"), validators=[Optional(), Length(max=300)],
                         description=_l("The document and, where it applies, chapter and article, e.g. "
                                        "《中国共产党章程》第一章第七条 or 党章第七条; or just 党章, 准则, 党史."))
    estimated_minutes = IntegerField(_l("Estimated length (minutes)"), validators=[DataRequired(), NumberRange(min=1, max=600)])
    external_url = StringField(_l("Web address (external links only)"), validators=[Optional(), Length(max=500)])
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=500)], description=_l("Separated by commas."))
    knowledge_points = StringField(_l("Knowledge points (知识点)"), validators=[Optional(), Length(max=1000)],
                                   description=_l("Separated by commas; the question bank uses the same names."))
    status = SelectField(_l("Status"), validators=[DataRequired()])
    note = StringField(_l("Note on this change"), validators=[Optional(), Length(max=300)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_choices()
        self.status.choices = status_choices()


class AttachmentForm(FlaskForm):
    file = FileField(_l("File (PDF, MP4/WebM video, MP3/M4A/OGG/WAV audio, WebVTT subtitles)"), validators=[FileRequired()])


class ReadingListForm(FlaskForm):
    slug = StringField(_l("Slug (address name)"), validators=[DataRequired(), Length(max=120)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    owner_branch_id = SelectField(_l("Owned by"), coerce=int, validators=[Optional()],
                                  description=_l("The committee's lists may be assigned anywhere; a branch's list only within that branch."))
    active = BooleanField(_l("Active (shown to the people it is assigned to)"), default=True)


class ItemForm(FlaskForm):
    material = StringField(_l("Material (slug or title)"), validators=[DataRequired(), Length(max=200)])
    required = BooleanField(_l("Required"), default=True)
    due_on = DateField(_l("Due date"), validators=[Optional()])


class AssignmentForm(FlaskForm):
    branch_id = SelectField(_l("Branch (with its sub-branches)"), coerce=int, validators=[Optional()])
    stage = SelectField(_l("Stage"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage.choices = [("", _l("Every stage"))] + [(s.value, s.label) for s in Stage]
