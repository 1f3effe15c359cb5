from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import ColorField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.fields.choices import SelectChoice

from webapp.forms.validators import plain_text
from webapp.labeling.templates import NLP_TEMPLATES


class CreateProjectForm(FlaskForm):
    title = StringField("Project name", validators=[DataRequired(), Length(1, 200), plain_text])
    description = TextAreaField("Description")
    color = ColorField("Colour", default="#6366f1")
    workspace_id = SelectField("Workspace", coerce=int)
    template = RadioField(
        "Labeling template",
        choices=[SelectChoice(key, t.title) for key, t in NLP_TEMPLATES.items()],
        default="text_classification",
    )


class ImportForm(FlaskForm):
    file = FileField("File", validators=[FileRequired()])


EXPORT_TYPES = [
    SelectChoice("JSON", "JSON (Label Studio)"),
    SelectChoice("JSON_MIN", "JSON-MIN"),
    SelectChoice("CSV", "CSV"),
    SelectChoice("TSV", "TSV"),
    SelectChoice("CONLL2003", "CoNLL 2003"),
    SelectChoice("SPACY", "spaCy DocBin"),
]


class ExportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET download, no state change

    exportType = SelectField("Format", choices=EXPORT_TYPES, default="JSON")  # noqa: N815 - Label Studio's name
