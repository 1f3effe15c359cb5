"""Task data that points into a connected S3 source storage (`s3://bucket/key`), shown
without exposing the storage's credentials, as Label Studio does.

`resolve_storage_urls` rewrites each such reference into the task's presign path
(PRESIGN_PATH, served by the API); that route checks the reader may see the task, then
`open_task_object` either signs a short-lived GET URL (the storage's "Use pre-signed URLs",
expiry `presign_ttl` minutes) to redirect to, or reads the object for the server to pass
on. The page itself never holds a signed URL, so one left open never goes stale.
"""
from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.io.storage.base import StorageError, open_adapter
from webapp.io.storage.s3 import PRESIGN_TTL_MINUTES
from webapp.models import Project, Storage, Task
from webapp.secret_box import box_from_config

PRESIGN_PATH = "/api/tasks/{task_id}/presign?fileuri={uri}"
_S3_URI = re.compile(r"^s3://(?P<bucket>[^/]+)/(?P<key>.+)$")


@dataclass(frozen=True)
class StorageData:
    """What the presign route answers: a redirect to `url`, or `body` itself."""

    url: str | None = None
    body: bytes = b""
    content_type: str = "application/octet-stream"


def _s3_sources(session: Session, project_id: int) -> list[Storage]:
    return list(session.scalars(
        select(Storage).where(Storage.project_id == project_id, Storage.role == "source", Storage.kind == "s3")
        .order_by(Storage.id)
    ))


def _storage_for(storages: list[Storage], uri: object) -> tuple[Storage, str] | None:
    """The storage whose bucket and prefix hold `uri`, with the object key."""
    match = _S3_URI.match(uri) if isinstance(uri, str) else None
    if match is None:
        return None
    for storage in storages:
        params = storage.params
        if params.get("bucket") == match["bucket"] and match["key"].startswith(params.get("prefix", "")):
            return storage, match["key"]
    return None


def _rewrite(value: object, change: Callable[[str], str]) -> object:
    if isinstance(value, dict):
        return {k: _rewrite(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, change) for v in value]
    return change(value) if isinstance(value, str) else value


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def resolve_storage_urls(session: Session, project: Project, data: dict, task_id: int) -> dict:
    """A copy of a task's `data` in which every s3:// reference under one of the project's
    source storages is replaced by the task's presign path; other values stay as they are."""
    storages = _s3_sources(session, project.id)
    if not storages:
        return data

    def change(value: str) -> str:
        if _storage_for(storages, value) is None:
            return value
        return PRESIGN_PATH.format(task_id=task_id, uri=quote(value, safe=""))

    return _rewrite(data, change)


def storage_links(session: Session, project: Project, data: dict, task_id: int) -> list[tuple[str, str]]:
    """(field, presign path) for each top-level data field naming a connected S3 object, so
    the label and review pages link to it without ever holding a signed URL."""
    resolved = resolve_storage_urls(session, project, data, task_id)
    return [(key, value) for key, value in resolved.items() if value != data.get(key) and isinstance(value, str)]


def open_task_object(session: Session, task: Task, uri: str, config: Mapping) -> StorageData:
    """The object `uri` that `task` references: a pre-signed URL, or its bytes when the
    storage does not presign. Only references in the task's own data are served."""
    if uri not in set(_strings(task.data)):
        raise StorageError("fileuri", "This task does not reference that object.")
    found = _storage_for(_s3_sources(session, task.project_id), uri)
    if found is None:
        raise StorageError("fileuri", "No connected source storage holds that object.")
    storage, key = found
    secret = box_from_config(config).decrypt(storage.secret_encrypted) if storage.secret_encrypted else ""
    adapter = open_adapter(storage.kind, storage.params, secret, config, storage.id)
    if storage.params.get("presign", True):
        return StorageData(url=adapter.presigned_get(key, storage.params.get("presign_ttl", PRESIGN_TTL_MINUTES)))
    content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    return StorageData(body=adapter.read(key), content_type=content_type)
