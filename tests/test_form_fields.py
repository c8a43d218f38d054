"""Choice fields take (value, label) pairs without WTForms' tuple deprecation."""

from __future__ import annotations

import warnings

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from learnapp.form_fields import RadioField, SelectField, SelectMultipleField


class _Form(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField("kind", choices=[("a", "Apple"), ("b", "Banana")])
    tags = SelectMultipleField("tags", choices=lambda: [("x", "X"), ("y", "Y")])
    answer = RadioField("answer", choices=[("true", "True"), ("false", "False")])
    branch = SelectField("branch", coerce=int)


def test_pairs_become_select_choices_and_validate(app):
    with app.test_request_context(), warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        form = _Form(formdata=MultiDict([("kind", "b"), ("tags", "y"), ("answer", "true"), ("branch", "7")]))
        form.branch.choices = [(7, "Seven"), (8, "Eight")]  # as views assign them
        assert form.validate(), form.errors
        assert all(isinstance(c, SelectChoice) for c in form.kind.choices + form.tags.choices + form.branch.choices)
        assert [c.label for c in form.branch.choices] == ["Seven", "Eight"]
        assert 'value="b" selected' in str(form.kind) or 'selected value="b"' in str(form.kind)
        assert form.branch.data == 7


def test_a_value_outside_the_choices_is_refused(app):
    with app.test_request_context():
        form = _Form(formdata=MultiDict([("kind", "zzz"), ("answer", "true"), ("branch", "9")]))
        form.branch.choices = [(7, "Seven")]
        assert not form.validate()
        assert "kind" in form.errors and "branch" in form.errors
