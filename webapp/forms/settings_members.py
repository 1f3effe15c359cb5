"""Forms of the Members settings section (MEM-1..3); the rules live in webapp.members."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SearchField, SelectField
from wtforms.validators import InputRequired
from wtforms.fields.choices import SelectChoice

ROLE_CHOICES = [SelectChoice("", "Organisation role"), SelectChoice("annotator", "Annotator"),
                SelectChoice("reviewer", "Reviewer")]


class AddMemberForm(FlaskForm):
    user = IntegerField("User", validators=[InputRequired("Choose a user to add.")])


class RoleForm(FlaskForm):
    role = SelectField("Project role", choices=ROLE_CHOICES, validate_choice=False)


class RemoveForm(FlaskForm):
    """Only the CSRF token: the user is in the URL."""


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search, no state change

    q = SearchField("Search users")
