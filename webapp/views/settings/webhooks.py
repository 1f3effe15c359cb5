"""Settings section: Webhooks (WH-1). Add, edit, pause, delete, send a test; each
webhook's delivery log is an htmx partial that refreshes itself while rows are pending."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import login_required
from werkzeug.exceptions import NotFound

from webapp.extensions import db
from webapp.input_limits import database_id
from webapp.forms.settings_integrations import WebhookForm, show_domain_error
from webapp.integrations.http_policy import policy_from_config
from webapp.integrations.payloads import project_payload
from webapp.integrations.webhooks import (
    WebhookError, create_webhook, enqueue_test, project_webhooks, recent_deliveries, update_webhook,
    webhook_secret,
)
from webapp.models import Webhook
from webapp.secrets import SecretError
from webapp.views.settings import Section, register_section, render_section, settings_project

bp = Blueprint("settings_webhooks", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("webhooks", "Webhooks", "settings_webhooks.page"))


def _webhook(project, webhook_id: int) -> Webhook:
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None or webhook.project_id != project.id:
        raise NotFound(f"Webhook {webhook_id} not found.")
    return webhook


def _render(project, *, form=None, edit_id=None, message=None, status=200):
    hooks = project_webhooks(db.session, project.id)
    key = current_app.config["SECRET_KEY"]
    return render_section(
        "webhooks", "webhooks.html", project, status=status, webhooks=hooks, form=form or WebhookForm(),
        edit_id=edit_id, message=message, secrets={w.id: _shown_secret(w, key) for w in hooks},
    )


def _shown_secret(webhook: Webhook, key: str) -> str:
    try:
        return webhook_secret(webhook, key)
    except SecretError:
        return "(unreadable: SECRET_KEY changed; set a new secret)"


def _save(project, webhook: Webhook | None):
    form = WebhookForm()
    if not form.validate_on_submit():
        return _render(project, form=form, edit_id=webhook and webhook.id, status=422)
    policy, key = policy_from_config(current_app.config), current_app.config["SECRET_KEY"]
    try:
        if webhook is None:
            create_webhook(db.session, project, form.settings(), policy, key)
        else:
            update_webhook(webhook, form.settings(), policy, key)
    except WebhookError as exc:
        db.session.rollback()
        show_domain_error(form, exc.field, exc.message)
        return _render(project, form=form, edit_id=webhook and webhook.id, status=422)
    db.session.commit()
    return _render(project, message="Webhook saved.")


@bp.get("/webhooks")
@login_required
def page(project_id: int):
    project = settings_project(project_id)
    edit_id = request.args.get("edit", type=database_id)
    form = WebhookForm(formdata=None)
    if edit_id:
        form.fill(_webhook(project, edit_id))
    return _render(project, form=form, edit_id=edit_id)


@bp.post("/webhooks")
@login_required
def create(project_id: int):
    return _save(settings_project(project_id), None)


@bp.post("/webhooks/<int:webhook_id>")
@login_required
def edit(project_id: int, webhook_id: int):
    project = settings_project(project_id)
    return _save(project, _webhook(project, webhook_id))


@bp.post("/webhooks/<int:webhook_id>/delete")
@login_required
def delete(project_id: int, webhook_id: int):
    project = settings_project(project_id)
    db.session.delete(_webhook(project, webhook_id))
    db.session.commit()
    return _render(project, message="Webhook deleted.")


def _log(project, webhook: Webhook, message: str | None = None):
    return render_template(
        "settings/_webhook_log.html", project=project, webhook=webhook, message=message,
        deliveries=recent_deliveries(db.session, webhook.id),
    )


@bp.post("/webhooks/<int:webhook_id>/test")
@login_required
def send_test(project_id: int, webhook_id: int):
    """Queued like any event: the request never waits on the receiver."""
    project = settings_project(project_id)
    webhook = _webhook(project, webhook_id)
    enqueue_test(db.session, webhook, project_payload(project))
    db.session.commit()
    return _log(project, webhook, message="Test event queued; it appears below once sent.")


@bp.get("/webhooks/<int:webhook_id>/log")
@login_required
def log(project_id: int, webhook_id: int):
    project = settings_project(project_id)
    return _log(project, _webhook(project, webhook_id))
