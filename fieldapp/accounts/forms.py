"""CSRF-protected forms: sign-in, registration, password change and API tokens."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from fieldapp.accounts.service import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])


class RegisterForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address."),
        ],
    )
    display_name = StringField(
        "How you want to be credited (your name, a pseudonym)", validators=[DataRequired(), Length(max=200)]
    )
    password = PasswordField("Password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    confirm = PasswordField("Password again", validators=[EqualTo("password", message="The passwords differ.")])
    # Required by the view when the park has published terms (consent.service.current_terms).
    agree = BooleanField("I agree to the park's terms shown above")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    confirm = PasswordField("New password again", validators=[EqualTo("password", message="The passwords differ.")])


class NewTokenForm(FlaskForm):
    label = StringField("What the token is for (e.g. the phone app)", validators=[Length(max=100)])
