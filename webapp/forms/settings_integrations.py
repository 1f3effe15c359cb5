"""Cloud storage and Webhooks forms (STO-1, STO-2, WH-1): they only collect values;
validation is the domain's, so the form and the API answer with the same message."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField,
    TextAreaField, ValidationError, widgets,
)
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.fields.choices import SelectChoice

from webapp.integrations.webhooks import ACTIONS, WebhookSettings
from webapp.io.storage.base import KINDS
from webapp.models import Webhook


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def parse_header_lines(text: str) -> dict[str, str]:
    """`Name: value`, one a line, blank lines ignored."""
    headers = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise ValidationError(f"“{line.strip()}” is not of the form Name: value.")
        headers[name.strip()] = value.strip()
    return headers


class WebhookForm(FlaskForm):
    url = StringField("Payload URL", validators=[InputRequired()])
    headers = TextAreaField("Headers (one “Name: value” a line)")
    send_payload = BooleanField("Send payload", default=True)
    send_for_all_actions = BooleanField("Send for all actions", default=True)
    actions = CheckboxesField("Events", choices=[SelectChoice(a) for a in ACTIONS])
    is_active = BooleanField("Active", default=True)
    secret = PasswordField("Signing secret (leave empty to keep it, or to generate one)")

    def validate_headers(self, field) -> None:
        parse_header_lines(field.data)

    def fill(self, webhook: Webhook) -> None:
        self.url.data = webhook.url
        self.headers.data = "\n".join(f"{k}: {v}" for k, v in webhook.headers.items())
        self.send_payload.data = webhook.send_payload
        self.send_for_all_actions.data = webhook.send_for_all_actions
        self.actions.data = list(webhook.actions)
        self.is_active.data = webhook.is_active

    def settings(self) -> WebhookSettings:
        return WebhookSettings(
            url=self.url.data or "", headers=parse_header_lines(self.headers.data),
            send_payload=self.send_payload.data, send_for_all_actions=self.send_for_all_actions.data,
            actions=list(self.actions.data or []), is_active=self.is_active.data,
            secret=self.secret.data or "",
        )


class StorageForm(FlaskForm):
    role = SelectField("Use as", choices=[SelectChoice("source", "Source (import tasks)"),
                                           SelectChoice("target", "Target (export annotations)")])
    kind = SelectField("Storage type", choices=[SelectChoice(k) for k in KINDS])
    title = StringField("Title")
    path = StringField("Local path (under the server's files root)")
    bucket = StringField("Bucket")
    prefix = StringField("Prefix / key pattern")
    regex_filter = StringField("File filter regex")
    mode = SelectField("Objects are", choices=[SelectChoice("text", "one task per object (text)"),
                                                SelectChoice("json", "task JSON (treat every object as a source)")])
    endpoint_url = StringField("Endpoint URL (S3-compatible)")
    region = StringField("Region")
    access_key_id = StringField("Access key ID")
    presign = BooleanField("Use pre-signed URLs (s3:// references in task data open through a short-lived signed link)", default=True)
    presign_ttl = IntegerField("Pre-signed URL expiry (minutes)", default=15, validators=[Optional(), NumberRange(1, 10080)])
    host = StringField("Redis host")
    port = IntegerField("Redis port", validators=[Optional(), NumberRange(1, 65535)])
    db = IntegerField("Redis database", validators=[Optional(), NumberRange(0, 255)])
    secret = PasswordField("Secret access key / password (stored encrypted)")
    sync_interval_minutes = IntegerField("Sync every N minutes (0: only on request)", default=0,
                                         validators=[Optional(), NumberRange(0, 10080)])
    write_on_submit = BooleanField("Target: write on every submit")

    PARAMS = ("path", "bucket", "prefix", "regex_filter", "mode", "endpoint_url", "region",
              "access_key_id", "presign", "presign_ttl", "host", "port", "db")

    def params(self) -> dict:
        return {name: self[name].data for name in self.PARAMS if self[name].data not in (None, "")}


def show_domain_error(form, field_name: str, message: str) -> None:
    """Put a refusal from the domain on the field it names, or on the whole form."""
    field = form._fields.get(field_name)
    if field is None:
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message]
