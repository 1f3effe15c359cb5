"""What every settings form shares: the one base class, its one save path, and fields
validated by the SETTINGS registry's parsers.

A field names its API setting with `Parsed("api_name")`; the form then validates with
the same parser, and so the same message, as PATCH /api/projects/<id>. Every tab saves
through SettingsForm.save -> project_updates.update_settings, like the API (issue 14
point 1): validated, applied, recorded in the history and sent as PROJECT_UPDATED.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import NumberInput

from sqlalchemy.orm import Session

from webapp.models import Distribution, Project, User
from webapp.project_settings import SETTINGS, settings_json
from webapp.project_updates import update_settings
from webapp.projects import ProjectError
from webapp.secret_box import SecretBox


class Parsed:
    """Validate a field with its setting's parser; Auto-only settings are skipped in Manual."""

    def __init__(self, api_name: str):
        self.api_name = api_name

    def __call__(self, form: "SettingsForm", field) -> None:
        if SETTINGS[self.api_name].auto_only and form.is_manual:
            raise StopValidation()  # ignored, so not validated either (ANN-3, QA-5)
        try:
            SETTINGS[self.api_name].parse(field.data)
        except ProjectError as exc:
            raise ValidationError(exc.message) from None


def whole_number(value):
    """Digits become an int; anything else stays as typed for the parser to refuse."""
    if isinstance(value, str):
        value = value.strip()
        return int(value) if value.lstrip("-").isdigit() else (None if value == "" else value)
    return value


def number_field(label: str, api_name: str, widget=None, **kwargs) -> StringField:
    """An <input type=number> whose message comes from the registry, not from WTForms."""
    return StringField(
        label, validators=[Parsed(api_name)], filters=[whole_number], widget=widget or NumberInput(), **kwargs
    )


class SettingsForm(FlaskForm):
    """A settings tab's form. Starts from the stored values (keyword arguments override
    them, as in WTForms); a POST overrides the fields it sends."""

    def __init__(self, project: Project, *args, **kwargs):
        self.project = project
        super().__init__(*args, data=settings_json(project), **kwargs)

    @property
    def is_manual(self) -> bool:
        return self.project.distribution is Distribution.MANUAL

    def setting_fields(self):
        for field in self:
            for validator in field.validators:
                if isinstance(validator, Parsed):
                    yield validator.api_name, field

    def changes(self) -> dict:
        """The API changes this tab makes: its Parsed fields, unless a tab says otherwise."""
        return {api_name: field.data for api_name, field in self.setting_fields()}

    def save(self, session: Session, actor: User, box: SecretBox) -> bool:
        """On a valid submit, save through update_settings and commit; False otherwise,
        with the domain's refusal on the field it names."""
        if not self.validate_on_submit():
            return False
        try:
            update_settings(session, self.project, actor, self.changes(), box=box)
        except ProjectError as exc:
            session.rollback()
            self._add_domain_error(exc)
            return False
        session.commit()
        return True

    def _add_domain_error(self, exc: ProjectError) -> None:
        """On the field the refusal names (its API name, or a field named so), else the form."""
        field = dict(self.setting_fields()).get(exc.field) or self._fields.get(exc.field)
        if field is None:
            self.form_errors.append(exc.message)
        else:
            field.errors = [*field.errors, exc.message]


class HelpRadioField(RadioField):
    """Radios whose options each carry the guide's help text: choices are (value, label, help)."""

    def __init__(self, label: str, api_name: str, choices, **kwargs):
        self.help = {value: text for value, _, text in choices}
        super().__init__(
            label, choices=[SelectChoice(value, text) for value, text, _ in choices],
            validators=[Parsed(api_name)], validate_choice=False, **kwargs,
        )


def setting_checkbox(label: str, api_name: str, help_text: str = "") -> BooleanField:
    return BooleanField(label, validators=[Parsed(api_name)], description=help_text)


def instructions_field(label: str, api_name: str) -> TextAreaField:
    return TextAreaField(label, validators=[Parsed(api_name)], render_kw={"rows": 6})
