"""Forms of the development procedure's rules page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from learnapp.development.rules_file import PARAMETERS


def parameters_form(values: dict[str, int], labels: dict[str, str], formdata=None) -> FlaskForm:
    """A form with one whole-number field per parameter (bounded as the rules allow) and a note."""

    class ParametersForm(FlaskForm):
        pass

    for name, (_default, low, high) in PARAMETERS.items():
        field = IntegerField(labels.get(name, name), default=values.get(name),
                             validators=[InputRequired(), NumberRange(min=low, max=high)],
                             render_kw={"min": low, "max": high, "inputmode": "numeric",
                                        **({"readonly": True} if low == high else {})})
        setattr(ParametersForm, name, field)
    ParametersForm.note = StringField("note", validators=[Optional(), Length(max=500)])
    return ParametersForm(formdata=formdata) if formdata is not None else ParametersForm()
