"""Forms for the branch tree."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from learnapp.form_fields import SelectField
from learnapp.org.models import BranchKind

KIND_LABELS = {
    BranchKind.committee: _l("Committee"),
    BranchKind.general_branch: _l("General branch"),
    BranchKind.branch: _l("Branch"),
}


class BranchForm(FlaskForm):
    name = StringField(_l("Branch name"), validators=[DataRequired(), Length(max=120)])
    parent_id = SelectField(_l("Under"), coerce=int, validators=[DataRequired()])
    kind = SelectField(_l("Type of organisation"), validators=[DataRequired()],
                       choices=[(BranchKind.branch.value, KIND_LABELS[BranchKind.branch]),
                                (BranchKind.general_branch.value, KIND_LABELS[BranchKind.general_branch])])


class BranchEditForm(FlaskForm):
    name = StringField(_l("Branch name"), validators=[DataRequired(), Length(max=120)])
    parent_id = SelectField(_l("Under"), coerce=int, validators=[DataRequired()],
                            description=_l("Moving a branch moves its sub-branches and people with it."))
