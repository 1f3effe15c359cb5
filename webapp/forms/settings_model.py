"""Forms of the Model tab: a model connection, train-on-submission, autolabeling (AL-1)."""
from __future__ import annotations

import json

from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, PasswordField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from webapp.forms.settings_shared import SettingsForm, setting_checkbox
from webapp.input_limits import InputLimitError, parse_json
from webapp.ml.connections import Connection, connection_problems
from webapp.models.ml import ModelKind

KINDS = [
    SelectChoice(ModelKind.BUILTIN.value, "Built-in NLP model (no server: classification and NER)"),
    SelectChoice(ModelKind.ML_BACKEND.value, "Label Studio ML backend"),
    SelectChoice(ModelKind.OPENAI_CHAT.value, "OpenAI-compatible chat endpoint (zero-shot LLM)"),
]
AUTH_METHODS = [SelectChoice("none", "No authentication"), SelectChoice("basic", "Basic (user and password)"),
                SelectChoice("token", "Token (Authorization: Token …; Bearer for chat endpoints)")]


FIELD_OF = {"secret": "auth_secret", "model": "llm_model"}  # domain problem -> form field


class ModelConnectionForm(FlaskForm):
    """A connection (ML-1). `stored` (the model, set by the view when editing) lets a blank
    secret keep the stored one while the URL stays the same; a secret is never rendered back."""

    kind = SelectField("Model", choices=KINDS, default=ModelKind.BUILTIN.value)
    title = StringField("Name", validators=[DataRequired(), Length(max=200)])
    url = URLField("URL", validators=[Length(max=500)],
                   description="The backend's base URL, or the chat API's base (…/v1) or …/chat/completions URL.")
    auth_method = SelectField("Authentication", choices=AUTH_METHODS, default="none")
    basic_auth_user = StringField("User", validators=[Length(max=200)])
    auth_secret = PasswordField("Password, token or API key",
                                description="Stored encrypted; leave blank to keep the current one "
                                            "(a changed URL needs it again).")
    llm_model = StringField("Chat model name", validators=[Length(max=200)],
                            description="For chat endpoints, e.g. gpt-4o-mini.")
    prompt = TextAreaField("Prompt template", validators=[Optional()],
                           description="For chat endpoints: {text} is the task text, {labels} the config's labels. "
                                       "Blank: a built-in prompt per control type.")
    extra_params = TextAreaField("Extra parameters (JSON object)", validators=[Optional()],
                                 description="A JSON object: sent to a backend's /setup as extra_params; for chat "
                                             "endpoints also system, temperature, timeout (seconds).")
    interactive_preannotations = BooleanField("Interactive preannotations")
    is_active = BooleanField("Active", default=True)
    stored = None

    def validate_extra_params(self, field) -> None:
        try:
            value = parse_json(field.data) if (field.data or "").strip() else {}
        except json.JSONDecodeError as exc:
            raise ValidationError(f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from None
        except InputLimitError as exc:
            raise ValidationError(str(exc)) from None
        if not isinstance(value, dict):
            raise ValidationError("Extra parameters must be a JSON object, like {\"key\": \"value\"}.")

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the domain's rules for a connection of the chosen kind."""
        valid = super().validate(extra_validators)
        if not valid:
            return False
        problems = connection_problems(self.connection(), self.stored)
        for name, message in problems.items():
            getattr(self, FIELD_OF.get(name, name)).errors.append(message)
        return not problems

    def connection(self) -> Connection:
        return Connection(
            kind=ModelKind(self.kind.data), title=self.title.data, url=(self.url.data or "").strip(),
            auth_method=self.auth_method.data, basic_auth_user=(self.basic_auth_user.data or "").strip(),
            secret=self.auth_secret.data or "", extra_params=self.extra_params_dict,
            interactive_preannotations=self.interactive_preannotations.data, is_active=self.is_active.data,
        )

    @property
    def extra_params_dict(self) -> dict:
        params = parse_json(self.extra_params.data) if (self.extra_params.data or "").strip() else {}
        if self.kind.data == ModelKind.OPENAI_CHAT.value:
            params.update({"model": (self.llm_model.data or "").strip(), "prompt": self.prompt.data or ""})
        return params

    def fill_from(self, model) -> None:
        """Edit form: the chat fields from extra_params, the rest as JSON; no secret."""
        params = dict(model.extra_params or {})
        if model.kind is ModelKind.OPENAI_CHAT:
            self.llm_model.data = params.pop("model", "")
            self.prompt.data = params.pop("prompt", "")
        self.extra_params.data = json.dumps(params) if params else ""


class TrainOnSubmitForm(SettingsForm):
    """The Model tab's project setting (ML-2), saved like every other tab's."""

    start_training_on_annotation_update = setting_checkbox(
        "Start model training on annotation submission", "start_training_on_annotation_update",
        "Each created or updated annotation queues a training run in the background.",
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
