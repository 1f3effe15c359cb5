"""Danger zone forms (DZ-1..3): a bare confirmation, and delete-by-typing-the-name."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, ValidationError


class ConfirmForm(FlaskForm):
    """The confirmation step's button: only the CSRF token is posted."""


class DeleteProjectForm(FlaskForm):
    name = StringField("Type the project name to confirm")

    def __init__(self, project_title: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.project_title = project_title

    def validate_name(self, field) -> None:
        if (field.data or "") != self.project_title:
            raise ValidationError(
                f"The name does not match. Type “{self.project_title}” exactly to delete the project."
            )
