"""Field validators shared by the forms."""
from __future__ import annotations

from wtforms.validators import ValidationError

from webapp.input_limits import control_characters


def plain_text(form, field) -> None:
    """Refuse NUL and control characters in names, titles and paths (issue 13 point 6):
    PostgreSQL cannot store a NUL, and a NUL in a path makes the os functions raise."""
    if isinstance(field.data, str) and (problem := control_characters(field.data)):
        raise ValidationError(f"{field.label.text} {problem}.")
