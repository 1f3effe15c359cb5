"""Forms of the Model tab: a model connection, train-on-submission, autolabeling (AL-1)."""
from __future__ import annotations

import json

from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from webapp.models.ml import ModelKind

# External kinds (ML-1 backend, LLM source) join this list, with their URL and auth
# fields, when their clients exist; MLModel already has the columns.
AVAILABLE_KINDS = [SelectChoice(ModelKind.BUILTIN.value, "Built-in NLP model (no server: classification and NER)")]


class ModelConnectionForm(FlaskForm):
    kind = SelectField("Model", choices=AVAILABLE_KINDS, default=ModelKind.BUILTIN.value)
    title = StringField("Name", validators=[DataRequired(), Length(max=200)])
    extra_params = TextAreaField("Extra parameters (JSON object)", validators=[Optional()])
    interactive_preannotations = BooleanField("Interactive preannotations")
    is_active = BooleanField("Active", default=True)

    def validate_extra_params(self, field) -> None:
        try:
            value = json.loads(field.data) if field.data.strip() else {}
        except json.JSONDecodeError as exc:
            raise ValidationError(f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from None
        if not isinstance(value, dict):
            raise ValidationError("Extra parameters must be a JSON object, like {\"key\": \"value\"}.")

    @property
    def extra_params_dict(self) -> dict:
        return json.loads(self.extra_params.data) if self.extra_params.data.strip() else {}


class TrainOnSubmitForm(FlaskForm):
    start_training_on_annotation_update = BooleanField(
        "Start model training on annotation submission",
        description="Each created or updated annotation queues a training run in the background.",
    )


def _share(label: str, description: str) -> DecimalField:
    return DecimalField(label, places=2, description=description,
                        validators=[NumberRange(0, 1, "Enter a number from 0 to 1.")])


class AutolabelForm(FlaskForm):
    enabled = BooleanField("Auto-accept confident predictions",
                           description="Predictions at or above the threshold become labels without a person.")
    threshold = _share("Confidence threshold", "A prediction's score (0-1) must reach this to be auto-accepted.")
    audit_fraction = _share("Audit share", "This share (0-1) of confident tasks still goes to annotators, "
                                           "to measure how often the model is right.")
    accuracy_floor = _share("Accuracy floor", "Auto-acceptance pauses while the audit's 95% lower bound is under this.")
