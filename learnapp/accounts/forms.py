"""Forms for logging in, passwords and people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from learnapp.accounts.models import Stage
from learnapp.form_fields import DateField, SelectField


class LoginForm(FlaskForm):
    login_id = StringField(_l("Login ID (staff number or user name)"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[DataRequired()])

    def validate_confirm(self, field):
        if field.data != self.new_password.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("The two new passwords differ."))


def stage_choices():
    return [(s.value, s.label) for s in Stage]


class PeopleFilterForm(FlaskForm):
    """The people list's search and filters (GET: no CSRF token, bookmarkable)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or login ID"), validators=[Optional(), Length(max=80)])
    branch = SelectField(_l("Branch (with sub-branches)"), coerce=int, validators=[Optional()])
    stage = SelectField(_l("Stage"), validators=[Optional()])
    active = SelectField(_l("Status"), default="active", validators=[Optional()],
                         choices=[("active", _l("Active")), ("inactive", _l("Deactivated")), ("all", _l("All"))])


class PersonEditForm(FlaskForm):
    login_id = StringField(_l("Login ID (staff number)"), validators=[DataRequired(), Length(max=64)],
                           description=_l("2–64 letters, digits, '.', '_' or '-'; unique."))
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=80)])
    branch_id = SelectField(_l("Branch"), coerce=int, validators=[DataRequired()])
    phone = StringField(_l("Mobile"), validators=[Optional(), Length(max=20)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    # Register facts (名册); choices from person_fields, set by set_profile_choices().
    gender = SelectField(_l("Gender"), validators=[Optional()])
    ethnicity = StringField(_l("Ethnic group"), validators=[Optional(), Length(max=16)],
                            description=_l("One of the 56 recognised ethnic groups, e.g. 汉族."))
    birth_date = StringField(_l("Date of birth"), validators=[Optional(), Length(max=20)],
                             description=_l("A full date (1990-05-08) or only year and month (1990.05)."))
    education = SelectField(_l("Education"), validators=[Optional()])
    job_category = SelectField(_l("Job category"), validators=[Optional()])
    department = StringField(_l("Work unit and post"), validators=[Optional(), Length(max=120)],
                             description=_l("工作单位及职务 or department, as in the register."))


def set_profile_choices(form) -> None:
    from learnapp.accounts import person_fields

    blank = [("", "—")]
    form.gender.choices = blank + [(g, g) for g in person_fields.GENDERS]
    form.education.choices = blank + [(e, e) for e in person_fields.education_levels()]
    form.job_category.choices = blank + [(j, j) for j in person_fields.job_categories()]


class PersonForm(PersonEditForm):
    stage = SelectField(_l("Stage"), validators=[DataRequired()])
    stage_since = DateField(_l("At this stage since"), validators=[Optional()],
                            description=_l("The date the person reached this stage; empty means today."))


class GrantForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    branch_id = SelectField(_l("On branch (applies to its sub-branches)"), coerce=int, validators=[DataRequired()])


class ContactForm(FlaskForm):
    contact_login_id = StringField(_l("Training contact's login ID"), validators=[DataRequired(), Length(max=64)],
                                   description=_l("A full member of a branch you administer."))


class RosterImportForm(FlaskForm):
    file = FileField(_l("Roster file (XLSX or CSV)"), validators=[FileRequired(), FileAllowed(["xlsx", "csv"], _l("Only XLSX or CSV files."))])
    update_existing = BooleanField(_l("Update people whose login ID already exists"))
    check_only = BooleanField(_l("Only check the file and show what would change (nothing is saved)"))


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that post."""
