"""Choice fields that take (value, label) pairs, the way every form and view here writes choices,
and date fields that say, in the catalogs, which format they expect.

WTForms 3.3 deprecates tuples in `choices` (3.4 removes them) in favour of `SelectChoice`. These
fields turn each pair into a SelectChoice wherever choices are set (the field's declaration, a view
assigning `form.field.choices = [...]`, or a callable), so the rest of the code keeps plain pairs.
Code that reads choices back gets SelectChoice objects: use `.value` and `.label`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import fields
from wtforms.fields.choices import SelectChoice

_CHOICES = fields.SelectField.choices  # the library's property; ours converts, then delegates


def as_choices(items):
    """A list of SelectChoice from (value, label) pairs; a callable is wrapped to do the same."""
    if items is None:
        return None
    if callable(items):
        return lambda: as_choices(items())
    return [SelectChoice(*item) if isinstance(item, tuple) else item for item in items]


class _PairChoices:
    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, choices=as_choices(choices), **kwargs)

    choices = property(_CHOICES.fget, lambda self, items: _CHOICES.fset(self, as_choices(items)))


class SelectField(_PairChoices, fields.SelectField):
    """wtforms.SelectField with (value, label) pairs."""


def _not_among_the_choices(count: int) -> str:
    # WTForms' own Chinese for this message is marked fuzzy and not compiled, so the site would
    # say it in English; WTForms puts the offending values in %(value)s afterwards.
    return ngettext("'%%(value)s' is not one of the choices.", "'%%(value)s' are not among the choices.", count)


class SelectMultipleField(_PairChoices, fields.SelectMultipleField):
    """wtforms.SelectMultipleField with (value, label) pairs, and its error in the catalogs."""

    def __init__(self, *args, invalid_choice_message=_not_among_the_choices, **kwargs):
        super().__init__(*args, invalid_choice_message=invalid_choice_message, **kwargs)


class RadioField(_PairChoices, fields.RadioField):
    """wtforms.RadioField with (value, label) pairs."""


class _Typed:
    """A value typed in a format: surrounding spaces dropped, and something typed that does not parse
    refused for its format, never as "give the date" (DataRequired clears the parse error and says
    the field is empty). `refusal`: the refusal's text in the catalogs."""

    refusal = None

    def __init__(self, *args, invalid_value_message=None, **kwargs):
        super().__init__(*args, invalid_value_message=invalid_value_message or self.refusal, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata([v.strip() for v in valuelist] if valuelist else valuelist)

    def validate(self, form, extra_validators=()):
        valid = super().validate(form, extra_validators)
        if self.process_errors and any((v or "").strip() for v in self.raw_data or ()):
            self.errors = list(self.process_errors)
            return False
        return valid


# Dates: a native <input type=date> (a phone shows its own picker, drawn in the phone's language),
# sent as YYYY-MM-DD whatever the picker shows. Where one is typed (an old browser, a keyboard), the
# page shows the format beside it (`format_hint`, by the `field` macro) and a refusal names it.
class DateField(_Typed, fields.DateField):
    """wtforms.DateField (YYYY-MM-DD) with its hint and its refusal in the catalogs."""

    format_hint = _l("Format: YYYY-MM-DD, e.g. 2026-07-01")
    refusal = _l("Enter the date as YYYY-MM-DD, e.g. 2026-07-01.")


class DateTimeLocalField(_Typed, fields.DateTimeLocalField):
    """wtforms.DateTimeLocalField: the browser's YYYY-MM-DDTHH:MM or a typed YYYY-MM-DD HH:MM."""

    format_hint = _l("Format: YYYY-MM-DD HH:MM, e.g. 2026-07-01 09:00")
    refusal = _l("Enter the date and time as YYYY-MM-DD HH:MM, e.g. 2026-07-01 09:00.")

    def __init__(self, label=None, validators=None, format=("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"), **kwargs):
        formats = [format] if isinstance(format, str) else list(format)
        super().__init__(label, validators, format=formats, **kwargs)


class TimeField(_Typed, fields.TimeField):
    """wtforms.TimeField (HH:MM) with its refusal in the catalogs."""

    refusal = _l("Enter the time as HH:MM, e.g. 09:00.")
