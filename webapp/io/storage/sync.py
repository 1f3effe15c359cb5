"""Storage settings and sync (STO-1, STO-2), run by the background job or a test.

Source: every new object (by key) becomes tasks; its key and version are remembered, so a
re-sync never imports it twice. The key row is written in the importer's own transaction
(the importer's TasksEvent carries it as its origin, and remember_object adds it
before the commit), so a crash at any point leaves either
the object's tasks and its key, or neither: never duplicated, never lost. A changed object
keeps its tasks (re-importing would duplicate them) and is counted as skipped; an object
that fails to import is not remembered, so the next sync retries it.
Target: every annotation is written as Label Studio's export JSON under
`<prefix><annotation id>.json`; a written object whose annotation is gone is deleted.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from webapp.hooks import TasksChange, TasksEvent
from webapp.input_limits import InputLimitError, parse_json
from webapp.integrations.payloads import exported_annotation
from webapp.io.errors import TaskImportError
from webapp.io.export_json import iso
from webapp.io.importers import import_records
from webapp.io.storage.base import ROLES, StorageError, clean_params, integer, open_adapter, text_param
from webapp.models import Annotation, Project, Storage, StorageObject, StorageSyncRun, Task, User
from webapp.models._types import utcnow
from webapp.secret_box import SecretError, box_from_config

LEASE = timedelta(hours=1)
MAX_LOGGED_ERRORS = 50


@dataclass
class StorageSettings:
    kind: str
    role: str = "source"
    title: str = ""
    params: dict = field(default_factory=dict)
    secret: str = ""
    sync_interval_minutes: int = 0
    write_on_submit: bool = False


def create_storage(session: Session, project: Project, s: StorageSettings, config: Mapping) -> Storage:
    if s.role not in ROLES:
        raise StorageError("role", "'role' must be 'source' or 'target'.")
    title = text_param({"title": s.title}, "title")[:200] or s.kind
    storage = Storage(
        project_id=project.id, role=s.role, kind=s.kind, title=title,
        params=clean_params(s.kind, s.params, config, s.secret),
        secret_encrypted=box_from_config(config).encrypt(s.secret) if s.secret else "",
        sync_interval_minutes=integer({"v": s.sync_interval_minutes}, "v", 0, 0, 10080),
        write_on_submit=s.write_on_submit and s.role == "target",
    )
    session.add(storage)
    session.flush()
    return storage


def request_sync(storage: Storage) -> None:
    storage.sync_requested = True


def sync_due_storages(session: Session, config: Mapping, now: datetime | None = None) -> int:
    """The scheduled job: storages asked to sync, and those whose interval has passed."""
    now = now or utcnow()
    candidates = session.scalars(
        select(Storage).where(or_(Storage.sync_requested.is_(True), Storage.sync_interval_minutes > 0))
    ).all()
    due = [
        s.id for s in candidates
        if s.sync_requested or s.last_sync_at is None
        or s.last_sync_at + timedelta(minutes=s.sync_interval_minutes) <= now
    ]
    session.commit()
    return sum(sync_storage(session, storage_id, config, now) is not None for storage_id in due)


def _claim(session: Session, storage_id: int, now: datetime) -> bool:
    """One sync per storage at a time, whichever process runs the job."""
    claimed = session.execute(
        update(Storage)
        .where(Storage.id == storage_id, or_(Storage.lease_until.is_(None), Storage.lease_until < now))
        .values(lease_until=now + LEASE, sync_requested=False)
    ).rowcount
    session.commit()
    return claimed == 1


def sync_storage(
    session: Session, storage_id: int, config: Mapping, now: datetime | None = None
) -> StorageSyncRun | None:
    """Run one sync and log it; None when another process is syncing this storage."""
    now = now or utcnow()
    if not _claim(session, storage_id, now):
        return None
    storage = session.get(Storage, storage_id)
    run = StorageSyncRun(storage_id=storage.id, started_at=utcnow())
    session.add(run)
    session.commit()
    try:
        secret = box_from_config(config).decrypt(storage.secret_encrypted) if storage.secret_encrypted else ""
        adapter = open_adapter(storage.kind, storage.params, secret, config, storage.id)
        (_sync_source if storage.role == "source" else _sync_target)(session, storage, adapter, run)
        run.status = "completed"
    except Exception as exc:  # noqa: BLE001 - any storage failure ends in the run's log
        session.rollback()
        _log_error(run, "", exc)
        run.status = "failed"
    run.finished_at = utcnow()
    storage.last_sync_at, storage.lease_until = now, None
    session.commit()
    return run


def _log_error(run: StorageSyncRun, key: str, exc: Exception) -> None:
    if len(run.errors or []) < MAX_LOGGED_ERRORS:
        message = exc.message if isinstance(exc, (TaskImportError, StorageError)) else f"{type(exc).__name__}: {exc}"
        if isinstance(exc, SecretError):
            message = str(exc)
        run.errors = [*(run.errors or []), {"key": key, "error": message[:1000]}]


def _sync_source(session: Session, storage: Storage, adapter, run: StorageSyncRun) -> None:
    project = session.get(Project, storage.project_id)
    owner = session.get(User, project.created_by_id) if project.created_by_id else None
    if owner is None:
        raise StorageError("project", "The project has no owner to import tasks as.")
    known = dict(session.execute(
        select(StorageObject.key, StorageObject.version).where(StorageObject.storage_id == storage.id)
    ).all())
    prefix, pattern = storage.params.get("prefix", ""), re.compile(storage.params.get("regex_filter", ""))
    for obj in adapter.list():
        if not obj.key.startswith(prefix) or not pattern.search(obj.key):
            continue
        run.seen += 1
        if obj.key in known:
            run.skipped += 1
            continue
        try:
            records = _records(storage.params, adapter.read(obj.key), obj.key)
            key_row = StorageObject(storage_id=storage.id, key=obj.key, version=obj.version)
            result = import_records(session, project, owner, records, source=f"object {obj.key}", origin=key_row)
        except (TaskImportError, ValueError) as exc:  # the importer rolled its writes back
            _log_error(run, obj.key, exc)
            continue
        if inspect(key_row).transient:  # no listener took the origin: the key would be lost
            raise RuntimeError("The import committed without its storage key row (STO-1).")
        run.created += result.task_count
        session.commit()  # progress: the run's counts are visible while it goes on


def remember_object(session: Session, event: TasksEvent) -> None:
    """Runs inside the importer's transaction, before its commit (STO-1)."""
    if event.change is TasksChange.CREATED and isinstance(event.origin, StorageObject):
        session.add(event.origin)


def _records(params: dict, raw: bytes, key: str) -> list | dict:
    text = raw.decode("utf-8")
    if params.get("mode") == "json":
        try:
            return parse_json(text)
        except json.JSONDecodeError as exc:
            raise TaskImportError(f"{key} is not valid JSON: {exc.msg} (line {exc.lineno}).") from exc
        except InputLimitError as exc:
            raise TaskImportError(f"{key}: {exc}") from exc
    return {"data": {params.get("text_field") or "text": text}, "meta": {"storage_key": key}}


def _sync_target(session: Session, storage: Storage, adapter, run: StorageSyncRun) -> None:
    written = {
        row.annotation_id: row
        for row in session.scalars(select(StorageObject).where(StorageObject.storage_id == storage.id))
    }
    prefix = storage.params.get("prefix", "")
    current = session.execute(
        select(Annotation, Task).join(Task, Task.id == Annotation.task_id)
        .where(Annotation.project_id == storage.project_id).order_by(Annotation.id)
    ).all()
    for annotation, task in current:
        run.seen += 1
        version = iso(annotation.updated_at) or ""
        row = written.get(annotation.id)
        if row is not None and row.version == version:
            run.skipped += 1
            continue
        body = json.dumps(exported_annotation(task, annotation), ensure_ascii=False).encode()
        key = f"{prefix}{annotation.id}.json"
        adapter.write(key, body)
        if row is None:
            session.add(StorageObject(storage_id=storage.id, key=key, version=version, annotation_id=annotation.id))
            run.created += 1
        else:
            row.version, row.synced_at = version, utcnow()
            run.updated += 1
        session.commit()
    alive = {annotation.id for annotation, _ in current}
    for annotation_id, row in written.items():
        if annotation_id not in alive:
            adapter.delete(row.key)
            session.execute(delete(StorageObject).where(StorageObject.id == row.id))
            run.deleted += 1
            session.commit()


def project_storages(session: Session, project_id: int) -> list[tuple[Storage, StorageSyncRun | None]]:
    """Each storage with its latest run, for the settings tab."""
    storages = session.scalars(
        select(Storage).where(Storage.project_id == project_id).order_by(Storage.role.desc(), Storage.id)
    ).all()
    newest = (
        select(func.max(StorageSyncRun.id))
        .where(StorageSyncRun.storage_id.in_([s.id for s in storages]))
        .group_by(StorageSyncRun.storage_id)
    )
    latest = {run.storage_id: run for run in session.scalars(select(StorageSyncRun).where(StorageSyncRun.id.in_(newest)))}
    return [(s, latest.get(s.id)) for s in storages]
