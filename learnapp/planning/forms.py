"""The plan form: the number to admit and one target per composition category."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from learnapp.planning.categories import categories
from learnapp.planning.services import MAX_PLANNED


class PlanForm(FlaskForm):
    planned = IntegerField(_l("Number to admit as probationary members"),
                           validators=[InputRequired(_l("Give the number to admit.")),
                                       NumberRange(0, MAX_PLANNED, _l("Give a number from 0 to %(max)s."))])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)],
                         description=_l("E.g. the reasons for a change, or the branch's situation."))

    def target_fields(self):
        return [getattr(self, f"target_{c.code}") for c in categories()]

    def targets(self) -> dict[str, int | None]:
        return {c.code: getattr(self, f"target_{c.code}").data for c in categories()}


def plan_form(**kwargs) -> PlanForm:
    """A PlanForm with one optional number field per configured category."""
    fields = {f"target_{c.code}": IntegerField(c.label, validators=[Optional(), NumberRange(0, MAX_PLANNED)],
                                               description=_l("Number of people; empty: no target."))
              for c in categories()}
    return type("PlanFormWithTargets", (PlanForm,), fields)(**kwargs)


class ApproveForm(FlaskForm):
    note = StringField(_l("Note"), validators=[Length(max=500)])
