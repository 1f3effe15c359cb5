"""Settings section: Webhooks (WH-1). Add, edit, pause, delete, send a test; each
webhook's delivery log is an htmx partial that refreshes itself while rows are pending.

A signing secret is in the page only once: right after Quorum generated it, or after an
owner or administrator pressed "Reveal" (a POST, so it is never in a cached GET)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from webapp.access import not_found, require_org_role
from webapp.extensions import db
from webapp.input_limits import database_id
from webapp.forms.settings_integrations import WebhookForm, show_domain_error
from webapp.integrations.http_policy import policy_from_config
from webapp.integrations.payloads import project_payload
from webapp.integrations.webhooks import (
    SecretChange, WebhookError, create_webhook, enqueue_test, project_webhooks, recent_deliveries,
    update_webhook, webhook_secret,
)
from webapp.models import OrgRole, Webhook
from webapp.secret_box import SecretError, box_from_config
from webapp.views.settings import Section, register_section, render_section, settings_project

bp = Blueprint("settings_webhooks", __name__, url_prefix="/projects/<int:project_id>/settings")
register_section(Section("webhooks", "Webhooks", "settings_webhooks.page"))


def _webhook(project, webhook_id: int) -> Webhook:
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None or webhook.project_id != project.id:
        raise not_found()
    return webhook


def _render(project, *, form=None, edit_id=None, message=None, status=200, shown: Webhook | None = None):
    """`shown`: the one webhook whose secret this answer shows (just generated, or revealed)."""
    hooks = project_webhooks(db.session, project.id)
    return render_section(
        "webhooks", "webhooks.html", project, status=status, webhooks=hooks, form=form or WebhookForm(),
        edit_id=edit_id, message=message, shown_id=shown and shown.id,
        shown_secret=shown and _readable_secret(shown), may_reveal=current_user.org_role.is_admin,
    )


def _readable_secret(webhook: Webhook) -> str:
    try:
        return webhook_secret(webhook, box_from_config(current_app.config))
    except SecretError:
        return "(unreadable with the configured QUORUM_ENCRYPTION_KEYS; set a new secret)"


def _save(project, webhook: Webhook | None):
    form = WebhookForm()
    if not form.validate_on_submit():
        return _render(project, form=form, edit_id=webhook and webhook.id, status=422)
    policy, box = policy_from_config(current_app.config), box_from_config(current_app.config)
    try:
        if webhook is None:
            webhook = create_webhook(db.session, project, form.settings(), policy, box)
            change = SecretChange.GENERATED if not form.secret.data else SecretChange.GIVEN
        else:
            change = update_webhook(webhook, form.settings(), policy, box)
    except WebhookError as exc:
        db.session.rollback()
        show_domain_error(form, exc.field, exc.message)
        return _render(project, form=form, edit_id=webhook and webhook.id, status=422)
    db.session.commit()
    shown = webhook if change is SecretChange.GENERATED else None
    return _render(project, message=SAVED_MESSAGES[change], shown=shown)


SAVED_MESSAGES = {
    SecretChange.KEPT: "Webhook saved.",
    SecretChange.GIVEN: "Webhook saved. It signs with the secret you gave.",
    SecretChange.GENERATED: "Webhook saved. It has a new signing secret, shown below this once: copy it to the "
                            "receiver now. (A webhook moved to another URL gets a new secret unless you give one.)",
}


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


@bp.post("/webhooks/<int:webhook_id>/reveal")
@login_required
def reveal(project_id: int, webhook_id: int):
    """Show one webhook's signing secret, to an owner or administrator only."""
    project = settings_project(project_id)
    require_org_role(current_user, OrgRole.OWNER, OrgRole.ADMINISTRATOR)
    return _render(project, shown=_webhook(project, webhook_id))


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
