"""Label Studio's storage paths (issue 16 point 2): import storages under
/api/storages/<type>, export storages under /api/storages/export/<type>, each listed by
project, read, deleted, synced and validated; `type` is localfiles (or local), s3 or
redis.

Creating an import storage is integrations.create_storage_view; an export storage is
the same with role "target".
"""
from __future__ import annotations

from flask import current_app
from flask_login import current_user
from sqlalchemy import select

from webapp.access import Action, authorize_project
from webapp.extensions import db
from webapp.io.storage.base import StorageError, clean_params
from webapp.io.storage.sync import request_sync
from webapp.models import Storage
from webapp.views.api import json_body, managed_project_in_query, route
from webapp.views.api.integrations import (
    create_storage_from, field_error, managed_storage, our_kind, project_id_of, storage_json,
    storage_params,
)

SOURCE, TARGET = "source", "target"


def _listed(kind: str, role: str, path: str) -> list[dict]:
    project = managed_project_in_query(path)
    rows = db.session.scalars(select(Storage).where(
        Storage.project_id == project.id, Storage.kind == our_kind(kind), Storage.role == role
    ).order_by(Storage.id))
    return [storage_json(s) for s in rows]


def _deleted(storage: Storage):
    """Its tasks and written objects stay, as the settings tab's delete."""
    db.session.delete(storage)
    db.session.commit()
    return "", 204


@route("/storages/<kind>", methods=["GET"])
def list_import(kind: str):
    return _listed(kind, SOURCE, f"/api/storages/{kind}")


@route("/storages/<kind>/<int:storage_id>", methods=["GET"])
def read_import(kind: str, storage_id: int):
    return storage_json(managed_storage(our_kind(kind), storage_id, SOURCE))


@route("/storages/<kind>/<int:storage_id>", methods=["DELETE"])
def delete_import(kind: str, storage_id: int):
    return _deleted(managed_storage(our_kind(kind), storage_id, SOURCE))


def _validated(kind: str, body: dict):
    """Label Studio's validate: the parameters as creating would check them (no
    connection is tried), nothing saved."""
    authorize_project(db.session, current_user, project_id_of(body.get("project")), Action.MANAGE)
    try:
        clean_params(our_kind(kind), storage_params(body), current_app.config, str(body.get("secret", "")))
    except StorageError as exc:
        return field_error(exc.field, exc.message)
    return {}


@route("/storages/<kind>/validate", methods=["POST"])
def validate_import(kind: str):
    return _validated(kind, json_body())


@route("/storages/export/<kind>/validate", methods=["POST"])
def validate_export(kind: str):
    return _validated(kind, json_body())


@route("/storages/export/<kind>", methods=["GET"])
def list_export(kind: str):
    return _listed(kind, TARGET, f"/api/storages/export/{kind}")


@route("/storages/export/<kind>", methods=["POST"])
def create_export(kind: str):
    return create_storage_from(our_kind(kind), {**json_body(), "role": TARGET})


@route("/storages/export/<kind>/<int:storage_id>", methods=["GET"])
def read_export(kind: str, storage_id: int):
    return storage_json(managed_storage(our_kind(kind), storage_id, TARGET))


@route("/storages/export/<kind>/<int:storage_id>", methods=["DELETE"])
def delete_export(kind: str, storage_id: int):
    return _deleted(managed_storage(our_kind(kind), storage_id, TARGET))


@route("/storages/export/<kind>/<int:storage_id>/sync", methods=["POST"])
def sync_export(kind: str, storage_id: int):
    storage = managed_storage(our_kind(kind), storage_id, TARGET)
    request_sync(storage)
    db.session.commit()
    return storage_json(storage), 202
