"""Choice fields that take (value, label) pairs, the way every form and view here writes choices.

WTForms 3.3 deprecates tuples in `choices` (3.4 removes them) in favour of `SelectChoice`. These
fields turn each pair into a SelectChoice wherever choices are set (the field's declaration, a view
assigning `form.field.choices = [...]`, or a callable), so the rest of the code keeps plain pairs.
Code that reads choices back gets SelectChoice objects: use `.value` and `.label`.
"""

from __future__ import annotations

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
