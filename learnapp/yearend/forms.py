"""The scoring scheme form: the YAML pasted, or a file uploaded in its place."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional


class SchemeForm(FlaskForm):
    source_text = TextAreaField(_l("Scoring scheme (YAML)"), validators=[Optional()],
                                render_kw={"rows": 30, "spellcheck": "false"})
    upload = FileField(_l("Or upload the file"), validators=[FileAllowed(["yaml", "yml"], _l("Only YAML files."))])
    note = StringField(_l("What changed and why"), validators=[Length(max=500)])
