from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired


class LoginForm(FlaskForm):
    # No format check here: the credentials check answers, and demo domains like
    # quorum.local are special-use names that strict validators refuse.
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class RotateTokenForm(FlaskForm):
    """Empty form: it carries the CSRF token for the rotate action."""
