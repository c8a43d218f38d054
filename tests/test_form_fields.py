"""Choice fields take (value, label) pairs without WTForms' tuple deprecation; date fields take
YYYY-MM-DD, show that format beside the field and refuse anything else in Chinese, naming it."""

from __future__ import annotations

import warnings
from datetime import date, datetime

import pytest
from flask import render_template_string
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from learnapp.form_fields import (
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    SelectMultipleField,
)


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


class _Dates(FlaskForm):
    class Meta:
        csrf = False

    held_on = DateField("held on", validators=[DataRequired(message="Give the date.")])
    due_on = DateField("due on", validators=[Optional()])
    opens_at = DateTimeLocalField("opens at", validators=[Optional()])


def _dates(app, **data):
    form = _Dates(formdata=MultiDict(data))
    return form, form.validate()


def test_dates_are_taken_as_yyyy_mm_dd(app):
    with app.test_request_context():
        form, valid = _dates(app, held_on=" 2026-07-01 ", due_on="", opens_at="2026-07-01T09:30")
        assert valid, form.errors
        assert form.held_on.data == date(2026, 7, 1) and form.due_on.data is None
        assert form.opens_at.data == datetime(2026, 7, 1, 9, 30)
        form, valid = _dates(app, held_on="2026-07-01", opens_at="2026-07-01 09:30")  # typed, with a space
        assert valid and form.opens_at.data == datetime(2026, 7, 1, 9, 30)


@pytest.mark.parametrize("typed", ["07/01/2026", "2026/07/01", "2026年7月1日", "2026-13-01", "tomorrow"])
def test_another_date_format_is_refused_in_chinese_naming_the_format(app, typed):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        form, valid = _dates(app, held_on=typed, due_on=typed, opens_at=typed)
        assert not valid
        for name in ("held_on", "due_on", "opens_at"):
            # one message, the format's (a required date typed wrong is not called missing)
            (message,) = [str(e) for e in form.errors[name]]
            assert "YYYY-MM-DD" in message and "请按" in message, message
        form, valid = _dates(app, held_on="")
        assert [str(e) for e in form.errors["held_on"]] == ["Give the date."]


def test_a_date_field_shows_its_format_where_it_is_typed(app):
    with app.test_request_context():
        form, _valid = _dates(app, held_on="07/01/2026")
        html = render_template_string('{% from "_macros/forms.html" import field with context %}{{ field(form.held_on) }}'
                                      '{{ field(form.opens_at) }}', form=form)
        assert 'aria-describedby="held_on-format"' in html and 'id="held_on-format"' in html
        assert "格式：YYYY-MM-DD，如 2026-07-01" in html and "YYYY-MM-DD HH:MM" in html
        assert 'type="date"' in html and 'type="datetime-local"' in html  # the native pickers stay


def test_every_date_field_of_the_application_says_its_format():
    """No form takes WTForms' own date fields, whose refusal is in English and names no format."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "learnapp"
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wtforms"):
                offenders += [f"{path.relative_to(root)}: {a.name}" for a in node.names
                              if a.name in {"DateField", "DateTimeLocalField", "DateTimeField", "TimeField"}]
    assert not offenders, offenders


def test_a_wrong_date_in_the_audit_filter_is_named_not_ignored(client, org, login):
    login(org.committee_admin)
    page = client.get("/audit/?date_from=07/01/2026").get_data(as_text=True)
    assert "请按“年-月-日”（YYYY-MM-DD）填写日期" in page
    assert "格式：YYYY-MM-DD" in client.get("/audit/").get_data(as_text=True)
