"""Webhooks and storages in Label Studio's API paths and shapes (WH-1, STO-1, STO-2).

Secrets are write-only: a webhook's signing secret is answered once, in the answer of the
request that made Quorum generate it (creation, or a move to another URL without one)."""
from __future__ import annotations

from flask import Response, current_app, redirect, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest, NotFound

from webapp.access import Action, authorize_project, authorize_project_object, authorize_task, not_found
from webapp.extensions import db
from webapp.integrations.http_policy import policy_from_config
from webapp.integrations.webhooks import (
    SecretChange, WebhookError, WebhookSettings, create_webhook, project_webhooks, update_webhook, webhook_secret,
)
from webapp.io.storage.base import StorageError
from webapp.io.storage.presign import open_task_object
from webapp.io.storage.sync import StorageSettings, create_storage, request_sync
from webapp.models import Storage, Webhook
from webapp.secret_box import box_from_config
from webapp.views.api import json_body, managed_project_in_query, route
from webapp.views.api.serializers import iso

_WEBHOOK_FIELDS = ("url", "headers", "send_payload", "send_for_all_actions", "actions", "is_active")


def field_error(field: str, message: str):
    db.session.rollback()
    return {"detail": message, "validation_errors": {field: [message]}, "status_code": 400}, 400


def project_id_of(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest("'project' must be a project id.")
    return value


def webhook_json(w: Webhook) -> dict:
    return {
        "id": w.id, "project": w.project_id, "url": w.url, "headers": w.headers,
        "send_payload": w.send_payload, "send_for_all_actions": w.send_for_all_actions,
        "actions": w.actions, "is_active": w.is_active, "disabled_reason": w.disabled_reason,
        "created_at": iso(w.created_at), "updated_at": iso(w.updated_at),
    }


def _webhook_settings(body: dict, current: dict) -> WebhookSettings:
    """The body's fields over the current ones; the domain checks their types."""
    values = {**current, **{k: body[k] for k in _WEBHOOK_FIELDS if k in body}}
    if "url" not in values:
        raise BadRequest("'url' is required.")
    return WebhookSettings(**values, secret=body.get("secret", ""))


def _managed_webhook(webhook_id: int) -> Webhook:
    return authorize_project_object(db.session, current_user, Webhook, webhook_id, Action.MANAGE)


@route("/webhooks", methods=["GET"])
def list_webhooks():
    project = managed_project_in_query("/api/webhooks")
    return [webhook_json(w) for w in project_webhooks(db.session, project.id)]


@route("/webhooks", methods=["POST"])
def create():
    body = json_body()
    project = authorize_project(db.session, current_user, project_id_of(body.get("project")), Action.MANAGE)
    settings = _webhook_settings(body, {})
    box = box_from_config(current_app.config)
    try:
        webhook = create_webhook(db.session, project, settings, policy_from_config(current_app.config), box)
    except WebhookError as exc:
        return field_error(exc.field, exc.message)
    db.session.commit()
    generated = {} if settings.secret else {"secret": webhook_secret(webhook, box)}
    return {**webhook_json(webhook), **generated}, 201


@route("/webhooks/<int:webhook_id>", methods=["GET"])
def read(webhook_id: int):
    return webhook_json(_managed_webhook(webhook_id))


@route("/webhooks/<int:webhook_id>", methods=["PATCH"])
def patch(webhook_id: int):
    webhook = _managed_webhook(webhook_id)
    body = json_body()
    current = {k: getattr(webhook, k) for k in _WEBHOOK_FIELDS}
    settings = _webhook_settings(body, current)
    box = box_from_config(current_app.config)
    try:
        change = update_webhook(webhook, settings, policy_from_config(current_app.config), box)
    except WebhookError as exc:
        return field_error(exc.field, exc.message)
    db.session.commit()
    if change is not SecretChange.GENERATED:
        return webhook_json(webhook)
    return {**webhook_json(webhook), "secret": webhook_secret(webhook, box),
            "detail": "The URL changed without a secret, so the old signing secret was replaced by this one."}


@route("/webhooks/<int:webhook_id>", methods=["DELETE"])
def delete(webhook_id: int):
    db.session.delete(_managed_webhook(webhook_id))
    db.session.commit()
    return "", 204


# Label Studio names local storage `localfiles` in its paths and `type` (issue 16 point 6);
# `local` stays accepted.
LABEL_STUDIO_KINDS = {"local": "localfiles"}
OUR_KINDS = {ls: ours for ours, ls in LABEL_STUDIO_KINDS.items()}


def our_kind(kind: str) -> str:
    return OUR_KINDS.get(kind, kind)


def storage_json(s: Storage) -> dict:
    return {
        "id": s.id, "project": s.project_id, "type": LABEL_STUDIO_KINDS.get(s.kind, s.kind), "role": s.role,
        "title": s.title,
        **{k: v for k, v in s.params.items()},
        "sync_interval_minutes": s.sync_interval_minutes, "write_on_submit": s.write_on_submit,
        "sync_requested": s.sync_requested, "last_sync": iso(s.last_sync_at), "created_at": iso(s.created_at),
    }


@route("/storages/<kind>", methods=["POST"])
def create_storage_view(kind: str):
    """`kind` is localfiles (or local), s3 or redis; `role` is source (default) or target."""
    return create_storage_from(our_kind(kind), json_body())


def storage_params(body: dict) -> dict:
    """The kind's own parameters: every field but the storage's settings."""
    reserved = ("project", "role", "title", "secret", "sync_interval_minutes", "write_on_submit")
    return {k: v for k, v in body.items() if k not in reserved}


def create_storage_from(kind: str, body: dict):
    project = authorize_project(db.session, current_user, project_id_of(body.get("project")), Action.MANAGE)
    settings = StorageSettings(
        kind=kind, role=body.get("role", "source"), title=str(body.get("title", "")),
        params=storage_params(body), secret=str(body.get("secret", "")),
        sync_interval_minutes=body.get("sync_interval_minutes", 0),
        write_on_submit=bool(body.get("write_on_submit", False)),
    )
    try:
        storage = create_storage(db.session, project, settings, current_app.config)
    except StorageError as exc:
        return field_error(exc.field, exc.message)
    db.session.commit()
    return storage_json(storage), 201


@route("/storages/<kind>/<int:storage_id>/sync", methods=["POST"])
def sync(kind: str, storage_id: int):
    """Queues the sync for the background job, as the settings tab's button does."""
    storage = managed_storage(our_kind(kind), storage_id)  # either role, as before Label Studio's paths
    request_sync(storage)
    db.session.commit()
    return storage_json(storage), 202


def managed_storage(kind: str, storage_id: int, role: str | None = None) -> Storage:
    """A storage of this kind (and role, when given) in a project the user manages; else
    the gate's 404."""
    storage = db.session.get(Storage, storage_id)
    if storage is None or storage.kind != kind or role not in (None, storage.role):
        raise not_found()
    authorize_project(db.session, current_user, storage.project_id, Action.MANAGE)
    return storage


@route("/tasks/<int:task_id>/presign", methods=["GET"])
def presign_task_data(task_id: int):
    """Label Studio's presign proxy: an s3:// reference in the task's data, for whoever may
    see the task, as a redirect to a short-lived signed URL (or the bytes, presign off)."""
    task = authorize_task(db.session, current_user, task_id, Action.VIEW)
    try:
        found = open_task_object(db.session, task, request.args.get("fileuri", ""), current_app.config)
    except StorageError as exc:
        raise NotFound(exc.message) from exc
    if found.url:
        return redirect(found.url, 303)
    # Bytes from a bucket must not run as a page of this site: no sniffing, sandboxed.
    return Response(found.body, content_type=found.content_type, headers={
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox",
        "Cache-Control": "private, no-store",
    })
