"""CSRF-protected forms: sign-in, registration, password change and API tokens."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from fieldapp.accounts.service import MIN_PASSWORD_LENGTH
from fieldapp.i18n import _l


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class RegisterForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an email address.")),
        ],
    )
    display_name = StringField(
        _l("How you want to be credited (your name, a pseudonym)"), validators=[DataRequired(), Length(max=200)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    confirm = PasswordField(_l("Password again"), validators=[EqualTo("password", message=_l("The passwords differ."))])
    # Required by the view when the park has published terms (consent.service.current_terms).
    agree = BooleanField(_l("I agree to the park's terms shown above"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    confirm = PasswordField(
        _l("New password again"), validators=[EqualTo("password", message=_l("The passwords differ."))]
    )


class NewTokenForm(FlaskForm):
    label = StringField(_l("What the token is for (e.g. the phone app)"), validators=[Length(max=100)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    confirm = PasswordField(
        _l("New password again"), validators=[EqualTo("password", message=_l("The passwords differ."))]
    )
