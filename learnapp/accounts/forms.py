"""Forms for logging in, passwords and people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from learnapp.accounts.models import Role, Stage


class LoginForm(FlaskForm):
    login_id = StringField(_l("Login ID (staff number or user name)"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=256)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[DataRequired()])

    def validate_confirm(self, field):
        if field.data != self.new_password.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("The two new passwords differ."))


def stage_choices():
    return [(s.value, s.label) for s in Stage]


class PersonForm(FlaskForm):
    login_id = StringField(_l("Login ID (staff number)"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    branch_id = SelectField(_l("Branch"), coerce=int, validators=[DataRequired()])
    stage = SelectField(_l("Stage"), validators=[DataRequired()])
    phone = StringField(_l("Mobile"), validators=[Optional(), Length(max=20)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])


class StageForm(FlaskForm):
    stage = SelectField(_l("New stage"), validators=[DataRequired()])
    effective_on = DateField(_l("Effective from"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class GrantForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[(r.value, r.label) for r in Role], validators=[DataRequired()])
    branch_id = SelectField(_l("On branch"), coerce=int, validators=[DataRequired()])


class ContactForm(FlaskForm):
    contact_login_id = StringField(_l("Training contact's login ID"), validators=[DataRequired(), Length(max=64)])


class RosterImportForm(FlaskForm):
    file = FileField(_l("Roster file (XLSX or CSV)"), validators=[FileRequired(), FileAllowed(["xlsx", "csv"], _l("Only XLSX or CSV files."))])
    update_existing = BooleanField(_l("Update people whose login ID already exists"))


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that post."""
