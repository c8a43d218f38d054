"""Forms of the register downloads."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Optional

from learnapp.form_fields import DateField, SelectField


class RegisterExportForm(FlaskForm):
    """The register (名册) of one stage, as Excel or CSV."""

    stage = SelectField(_l("Stage"), validators=[DataRequired()])
    # Checked by the view against the actor's scope (404 outside it), not against the offered choices.
    branch_id = SelectField(_l("Branch (with sub-branches)"), coerce=int, validators=[Optional()], validate_choice=False)
    file_format = SelectField(_l("Format"), choices=[("xlsx", _l("Excel (XLSX)")), ("csv", _l("CSV (UTF-8)"))],
                              validators=[DataRequired()])


class FilingListForm(FlaskForm):
    """The committee's 备案 list: the filings submitted or accepted in a period."""

    start = DateField(_l("From"), validators=[DataRequired()])
    end = DateField(_l("To"), validators=[DataRequired()])
    branch_id = SelectField(_l("Branch (with sub-branches)"), coerce=int, validators=[Optional()], validate_choice=False)

    def validate_end(self, field):
        from wtforms.validators import ValidationError

        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The end of the period is before its start."))
